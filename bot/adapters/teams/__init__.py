"""Microsoft Teams: the Bot Connector through the Teams SDK for Python (microsoft-teams-apps
2.x), and Graph for case chats. Imported only when TEAMS_* is set: `rrbot --help` and a Slack
deployment never load the SDK."""
