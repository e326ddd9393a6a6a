"""The Slack surface: slack-bolt listeners, each with `register(app, container)`."""
