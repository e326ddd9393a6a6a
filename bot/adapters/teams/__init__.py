"""Microsoft Teams through the Teams SDK for Python (microsoft-teams-apps 2.x). Imported only
when TEAMS_* is set: `rrbot --help` and a Slack deployment never load the SDK."""
