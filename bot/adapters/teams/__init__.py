"""The Microsoft Teams chat surface: the Bot Connector through the Teams SDK, and Graph."""
