"""Every Slack Web API method the bot calls, and the bot-token scope it needs.

The manifest (deploy/slack-manifest.yaml) asks for exactly these scopes; a test checks both
that the manifest matches and that the bot calls no method missing from this table.
"""

from __future__ import annotations

SCOPE_OF_METHOD: dict[str, str | None] = {
    "auth.test": None,  # any token
    "conversations.create": "groups:write",  # private channels only
    "conversations.invite": "groups:write",
    "conversations.setTopic": "groups:write",
    "conversations.info": "groups:read",  # a channel's topic, before setting a new one
    "conversations.list": "groups:read",  # finding our own channel after name_taken
    "conversations.members": "groups:read",  # who an adopted channel still holds
    "conversations.kick": "groups:write",  # removing those not on the case
    "conversations.open": "im:write",
    "conversations.replies": "im:history",  # a request DM's metadata, when its thread is answered
    "views.open": None,  # modals need only the trigger of a command or button
    "views.publish": None,  # the App Home
    "apps.connections.open": None,  # Socket Mode: the app-level token's connections:write
    "users.lookupByEmail": "users:read.email",
    "users.info": "users:read",  # with users:read.email, the profile's email
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "bookmarks.add": "bookmarks:write",  # the timetable and decision form links
    "bookmarks.list": "bookmarks:read",  # a retried open adds no bookmark twice
    "pins.add": "pins:write",
    "pins.list": "pins:read",  # a restarted process finds the card it pinned
    "files.getUploadURLExternal": "files:write",  # the meeting papers, posted in the channel
    "files.completeUploadExternal": "files:write",
}

SLASH_COMMAND_SCOPE = "commands"
# Events the bot subscribes to, and the bot scope each needs.
SCOPE_OF_EVENT: dict[str, str | None] = {
    "app_home_opened": None,
    "member_joined_channel": "groups:read",  # in the private case channels
    "message.im": "im:history",  # replies in a request's thread
}


# Block Kit elements the bot's forms use that need a scope of their own.
SCOPE_OF_ELEMENT: dict[str, str] = {
    "file_input": "files:read",  # documents attached to a return in its form
}


def bot_scopes() -> set[str]:
    used = [*SCOPE_OF_METHOD.values(), *SCOPE_OF_EVENT.values(), *SCOPE_OF_ELEMENT.values()]
    needed = {scope for scope in used if scope is not None}
    # users.lookupByEmail and users.info's email field need both user scopes.
    return needed | {"users:read", "users:read.email", SLASH_COMMAND_SCOPE}
