"""The Web API methods the Slack fake serves, each checking what Slack checks.

Error codes and reply shapes are Slack's (docs.slack.dev method reference; slack-ruby/slack-api-ref
mirrors it as JSON): a missing required field is `invalid_arguments` with
`response_metadata.messages: ["[ERROR] missing required field: topic"]` unless the method has
its own code (`no_text`, `no_user`, `no_item_specified`, `users_list_not_supplied`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tests.fakes.slack_model import (
    Args,
    Channel,
    Message,
    Reply,
    SlackError,
    check_view,
    flag,
    message_body,
    required,
    usable_channel,
)

if TYPE_CHECKING:
    from tests.fakes.slack_api import SlackApiFake

APP_CALLER = "A0EXAMPLE1"  # who an app-level token speaks for
_NAME = re.compile(r"[\w-]+")  # letters (any script), digits, hyphen, underscore


Handler = Callable[["SlackApiFake", str, Args], Reply]
METHODS: dict[str, Handler] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name] = handler
        return handler

    return register


@method("auth.test")
def auth_test(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    return {
        "url": "https://example-partnership.slack.com/", "team": "Example Partnership",
        "user": "rrbot", "team_id": "T0EXAMPLE1", "user_id": caller, "bot_id": "B0BOT00001",
    }  # fmt: skip


@method("apps.connections.open")
def apps_connections_open(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    if caller != APP_CALLER:  # only an app-level token (xapp-) may open a socket
        raise SlackError("not_allowed_token_type")
    if not fake.socket_url:
        raise SlackError("socket_mode_not_enabled")
    return {"url": fake.socket_url}


@method("conversations.create")
def conversations_create(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    name = args.get("name")
    if name is None:
        raise SlackError("invalid_arguments", "[ERROR] missing required field: name")
    name = str(name)
    if not name:
        raise SlackError("invalid_name_required")
    if len(name) > 80:
        raise SlackError("invalid_name_maxlength")
    if not any(ch.isalnum() for ch in name):
        raise SlackError("invalid_name_punctuation")
    if not _NAME.fullmatch(name) or name != name.lower():
        raise SlackError("invalid_name_specials")
    if fake.by_name(name) is not None:  # any channel: public, private, archived, anyone's
        raise SlackError("name_taken")
    cid = fake.add_channel(name, creator=caller, private=flag(args, "is_private"))
    return {"channel": fake.channels[cid].reply(caller)}


@method("conversations.list")
def conversations_list(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    types = str(args.get("types") or "public_channel").split(",")
    if any(t not in ("public_channel", "private_channel", "mpim", "im") for t in types):
        raise SlackError("invalid_types")
    limit = int(args.get("limit") or 100)
    if not 1 <= limit <= 1000:
        raise SlackError("invalid_limit")
    cursor = str(args.get("cursor") or "")
    if cursor and not cursor.startswith("next:"):
        raise SlackError("invalid_cursor")
    start = int(cursor[5:] or 0) if cursor else 0
    visible = [
        c for c in fake.channels.values()
        if not c.is_im and ("private_channel" if c.is_private else "public_channel") in types
        and (not c.is_private or caller in c.members)  # a bot sees private channels it is in
        and not (flag(args, "exclude_archived") and c.is_archived)
    ]  # fmt: skip
    page, rest = visible[start : start + limit], visible[start + limit :]
    next_cursor = f"next:{start + limit}" if rest else ""
    return {
        "channels": [c.reply(caller) for c in page],
        "response_metadata": {"next_cursor": next_cursor},
    }


@method("users.info")
def users_info(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    required(args, "user")
    uid = str(args["user"])
    email = next((e for e, u in fake.emails.items() if u == uid), None)
    if email is None:
        raise SlackError("user_not_found")
    profile = {"email": email, "real_name": "", "display_name": ""}
    return {
        "user": {
            "id": uid,
            "team_id": "T0EXAMPLE1",
            "deleted": uid in fake.deleted,
            "is_bot": False,
            "profile": profile,
        }
    }


@method("users.lookupByEmail")
def users_lookup_by_email(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    required(args, "email")
    email = str(args["email"])
    uid = fake.emails.get(email.lower())
    if uid is None:
        raise SlackError("users_not_found")
    profile = {"email": email.lower(), "real_name": "", "display_name": ""}
    user = {"id": uid, "team_id": "T0EXAMPLE1", "deleted": uid in fake.deleted}
    return {"user": user | {"profile": profile, "is_bot": False}}


@method("conversations.invite")
def conversations_invite(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    required(args, "channel")
    users = [u for u in str(args.get("users") or "").split(",") if u]
    if not users:
        raise SlackError("no_user")
    if len(users) > 1000:
        raise SlackError("too_many_users")
    channel = usable_channel(fake, args, caller)
    errors: list[dict[str, Any]] = []
    for uid in users:
        live = uid in fake.emails.values() and uid not in fake.deleted
        code = (
            "cant_invite_self" if uid == caller
            else "user_not_found" if not live
            else "already_in_channel" if uid in channel.members
            else None
        )  # fmt: skip
        if code:
            errors.append({"user": uid, "ok": False, "error": code})
    # Without `force` one refusal stops every invite; with it the others still go in.
    if not errors or flag(args, "force"):
        channel.members |= set(users) - {e["user"] for e in errors}
    if errors:
        raise SlackError(str(errors[0]["error"]), **({"errors": errors} if len(users) > 1 else {}))
    return {"channel": channel.reply(caller)}


@method("conversations.setTopic")
def conversations_set_topic(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    required(args, "channel", "topic")
    channel = usable_channel(fake, args, caller)
    if len(str(args["topic"])) > 250:
        raise SlackError("too_long")
    channel.topic = str(args["topic"])
    return {"channel": channel.reply(caller)}


@method("conversations.info")
def conversations_info(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    required(args, "channel")
    return {"channel": usable_channel(fake, args, caller).reply(caller)}


@method("conversations.open")
def conversations_open(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    users = [u for u in str(args.get("users") or "").split(",") if u]
    if not users and not args.get("channel"):
        raise SlackError("users_list_not_supplied")
    if len(users) != 1:  # group DMs and reopening by id: not used by the bot, not served
        raise SlackError("fake_does_not_serve_this")
    uid = users[0]
    if uid not in fake.emails.values():
        raise SlackError("user_not_found")
    if uid in fake.deleted:
        raise SlackError("user_disabled")
    already = uid in fake.ims
    if not already:
        fake.ims[uid] = f"D{next(fake.ids):09d}"
        dm = Channel(fake.ims[uid], "", caller, is_private=True, is_im=True, members={caller, uid})
        fake.channels[dm.id] = dm
    return {"channel": {"id": fake.ims[uid]}} | ({"already_open": True} if already else {})


@method("chat.postMessage")
def chat_post_message(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    channel = usable_channel(fake, args, caller)  # a missing channel is channel_not_found
    text, blocks = message_body(args)
    metadata = args.get("metadata")
    if isinstance(metadata, str):
        metadata = json.loads(metadata)
    if metadata is not None and (not isinstance(metadata, dict) or not metadata.get("event_type")):
        raise SlackError("invalid_metadata_format")
    thread = str(args.get("thread_ts") or "") or None
    ts = fake.ts()
    posted = Message(ts, caller, text, blocks, metadata, thread)
    fake.messages.setdefault(channel.id, {})[ts] = posted
    message = posted.reply(with_metadata=True) | {"bot_id": "B0BOT00001"}
    return {"channel": channel.id, "ts": ts, "message": message}


@method("conversations.replies")
def conversations_replies(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    required(args, "channel", "ts")
    channel = usable_channel(fake, args, caller)
    held = fake.messages.get(channel.id, {})
    parent = held.get(str(args["ts"]))
    if parent is None:
        raise SlackError("thread_not_found")
    replies = [m for m in held.values() if m.thread_ts == parent.ts and m.ts != parent.ts]
    thread = [parent, *sorted(replies, key=lambda m: m.ts)]
    limit = int(args.get("limit") or 1000)
    shown = [m.reply(with_metadata=flag(args, "include_all_metadata")) for m in thread[:limit]]
    return {"messages": shown, "has_more": len(thread) > limit}


@method("views.open")
def views_open(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    required(args, "trigger_id", "view")
    trigger = str(args["trigger_id"])
    if trigger not in fake.triggers:
        raise SlackError("invalid_trigger_id")
    if fake.triggers[trigger]:
        raise SlackError("exchanged_trigger_id")  # a trigger opens one view only
    view = check_view(args["view"], ("modal",))
    fake.triggers[trigger] = True
    view_id = f"V{next(fake.ids):09d}"
    fake.views[view_id] = view
    return {"view": view | {"id": view_id}}


@method("views.publish")
def views_publish(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    required(args, "user_id", "view")
    uid = str(args["user_id"])
    if uid not in fake.emails.values():
        raise SlackError("user_not_found")
    view = check_view(args["view"], ("home",))
    fake.homes[uid] = view
    return {"view": view | {"id": f"V{next(fake.ids):09d}"}}


@method("chat.update")
def chat_update(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    required(args, "ts")
    channel = usable_channel(fake, args, caller)
    found = fake.messages.get(channel.id, {}).get(str(args["ts"]))
    if found is None:
        raise SlackError("message_not_found")
    if found.user != caller:
        raise SlackError("cant_update_message")
    found.text, found.blocks = message_body(args)
    message = {"text": found.text, "user": caller, "blocks": found.blocks or []}
    return {"channel": channel.id, "ts": found.ts, "text": found.text, "message": message}


@method("bookmarks.add")
def bookmarks_add(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    required(args, "channel_id", "title", "type")
    channel = usable_channel(fake, {"channel": args["channel_id"]}, caller)
    if args["type"] != "link":
        raise SlackError("invalid_type")
    link = str(args.get("link") or "")
    if not link.startswith(("https://", "http://")):
        raise SlackError("invalid_link")
    held = fake.bookmarks.setdefault(channel.id, [])
    if len(held) >= 100:
        raise SlackError("too_many_bookmarks")
    bookmark = {"id": f"Bk{next(fake.ids):09d}", "channel_id": channel.id,
                "title": str(args["title"]), "link": link, "type": "link"}  # fmt: skip
    held.append(bookmark)
    return {"bookmark": bookmark}


@method("bookmarks.list")
def bookmarks_list(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    required(args, "channel_id")
    channel = usable_channel(fake, {"channel": args["channel_id"]}, caller)
    return {"bookmarks": fake.bookmarks.get(channel.id, [])}


@method("pins.list")
def pins_list(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    channel = usable_channel(fake, args, caller)
    held = fake.messages.get(channel.id, {})
    items = [
        {"type": "message", "channel": channel.id, "created": 0,
         "message": held[ts].reply(with_metadata=False)}
        for ts in fake.pins.get(channel.id, []) if ts in held
    ]  # fmt: skip
    return {"items": items}


@method("pins.add")
def pins_add(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    channel = usable_channel(fake, args, caller)
    ts = str(args.get("timestamp") or "")
    if not ts:
        raise SlackError("no_item_specified")
    if ts not in fake.messages.get(channel.id, {}):
        raise SlackError("message_not_found")
    pinned = fake.pins.setdefault(channel.id, [])
    if ts in pinned:
        raise SlackError("already_pinned")
    pinned.append(ts)
    return {}


@method("conversations.members")
def conversations_members(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    channel = usable_channel(fake, args, caller)  # a private channel the bot is not in: not found
    limit = int(args.get("limit") or 100)
    if not 1 <= limit <= 1000:
        raise SlackError("invalid_limit")
    cursor = str(args.get("cursor") or "")
    if cursor and not cursor.startswith("next:"):
        raise SlackError("invalid_cursor")
    start = int(cursor[5:] or 0) if cursor else 0
    members = sorted(channel.members)
    page, rest = members[start : start + limit], members[start + limit :]
    return {
        "members": page,
        "response_metadata": {"next_cursor": f"next:{start + limit}" if rest else ""},
    }


@method("conversations.kick")
def conversations_kick(fake: SlackApiFake, caller: str, args: Args) -> Reply:
    required(args, "channel")
    channel = usable_channel(fake, args, caller)
    uid = str(args.get("user") or "")
    if uid == caller:
        raise SlackError("cant_kick_self")
    if not uid or uid not in {*fake.emails.values(), *channel.members}:
        raise SlackError("user_not_found")
    if uid not in channel.members:
        raise SlackError("not_in_channel")
    channel.members.discard(uid)
    return {}
