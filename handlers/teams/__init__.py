"""How Teams reaches the bot: the Bot Framework messaging endpoint (`POST /api/messages`)."""
