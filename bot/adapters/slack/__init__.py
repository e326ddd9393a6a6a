"""Slack adapters: the Web API client and the `Chat` port on top of it.

Import the submodules (`bot.adapters.slack.client`, `.chat`) where they are needed, not here:
the CLI's cold start must not pay for slack_sdk and aiohttp.
"""
