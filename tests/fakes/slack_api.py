"""A local HTTP fake of the Slack Web API, for the real `AsyncWebClient` to talk to.

It checks what Slack checks and answers in Slack's words: the bearer token (`not_authed`,
`invalid_auth`), then each method's arguments and rules (tests/fakes/slack_methods.py). Only the
methods the bot uses, plus `auth.test`, are served; any other is `unknown_method`. Files are
uploaded through Slack's current flow (tests/fakes/slack_files.py), the bytes to an upload URL
the fake serves (`/upload/{file_id}`) and kept in `uploads`.

Knobs: `fail(method, ...)` makes the next calls of a method fail (a Slack error code, a 429 with
`Retry-After`, a bare 500/503; "upload" is the upload URL); `add_user` and `add_channel` seed
the workspace. `calls` records every request, refused and failed ones included. Use only
fictional people (`@example.org`).
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.fakes import slack_files
from tests.fakes.slack_methods import APP_CALLER, METHODS
from tests.fakes.slack_model import Args, Channel, Message, SlackError
from tests.fakes.threaded import listening

__all__ = [
    "APP_TOKEN", "BOT_TOKEN", "BOT_USER", "Call", "Channel", "Message", "SlackApiFake", "serve",
]  # fmt: skip

BOT_TOKEN = "xoxb-0000000000-fake-token-for-tests"
BOT_USER = "U0BOT00001"
APP_TOKEN = "xapp-1-A0EXAMPLE1-0000-fake-app-level-token"
HUMAN = "U0HUMAN001"  # a workspace member who makes channels by hand


@dataclass(frozen=True)
class Call:
    method: str
    args: Args
    status: int = 200
    error: str | None = None  # Slack's code when the call was refused


@dataclass(frozen=True)
class _Failure:
    status: int
    error: str
    retry_after: int


class SlackApiFake:
    def __init__(self) -> None:
        self.base_url = ""  # set by `serve`
        self.reset()

    def reset(self) -> None:
        self.calls: list[Call] = []
        self.tokens = {BOT_TOKEN: BOT_USER, APP_TOKEN: APP_CALLER}
        self.granted_scopes: set[str] = set()  # what auth.test says the token holds
        self.socket_url = ""  # where apps.connections.open sends the app (Socket Mode)
        self.emails: dict[str, str] = {}  # lowercased email -> user id
        self.deleted: set[str] = set()
        self.channels: dict[str, Channel] = {}  # id -> channel (DMs included)
        self.messages: dict[str, dict[str, Message]] = {}  # channel id -> ts -> message
        self.pins: dict[str, list[str]] = {}  # channel id -> pinned ts, in order
        self.bookmarks: dict[str, list[dict[str, Any]]] = {}  # channel id -> its bookmarks
        self.ims: dict[str, str] = {}  # user id -> DM channel id
        self.ids = itertools.count(1)
        self._failures: dict[str, deque[_Failure]] = {}
        self.responses: list[dict[str, Any]] = []  # what was posted to response_urls
        self.triggers: dict[str, bool] = {}  # trigger id -> used (one view per trigger)
        self.views: dict[str, dict[str, Any]] = {}  # modals opened, by view id
        self.homes: dict[str, dict[str, Any]] = {}  # user id -> their published App Home
        self.uploads: dict[str, slack_files.Upload] = {}  # file id -> its upload, then share

    def trigger(self) -> str:
        """A trigger id, as Slack hands one with a command or a button press."""
        tid = f"{next(self.ids)}.{int(time.time())}.fake"
        self.triggers[tid] = False
        return tid

    def reply_in_thread(self, channel: str, thread_ts: str, user: str, text: str) -> str:
        """Someone answers in a thread (the bot hears it as a message event)."""
        ts = self.ts()
        self.messages.setdefault(channel, {})[ts] = Message(ts, user, text, thread_ts=thread_ts)
        return ts

    # -- knobs -----------------------------------------------------------------------------

    def add_user(self, email: str, *, deleted: bool = False) -> str:
        uid = f"U{next(self.ids):09d}"
        self.emails[email.lower()] = uid
        if deleted:
            self.deleted.add(uid)
        return uid

    def add_channel(
        self,
        name: str,
        *,
        creator: str = HUMAN,
        private: bool = True,
        members: set[str] | None = None,
        archived: bool = False,
        topic: str = "",
    ) -> str:
        """A channel as someone made it; `members` defaults to its creator and the bot."""
        cid = f"C{next(self.ids):09d}"
        people = members if members is not None else {creator, BOT_USER}
        self.channels[cid] = Channel(cid, name, creator, private, archived, False, people, topic)
        return cid

    def fail(
        self,
        method: str,
        *,
        times: int = 1,
        error: str | None = None,
        status: int = 200,
        retry_after: int = 0,
    ) -> None:
        """The next `times` calls of `method` fail: with Slack's `error` (HTTP 200), with
        429 `ratelimited` and `Retry-After: retry_after`, or with a bare 500/503 page."""
        code = error or ("ratelimited" if status == 429 else f"http_{status}")
        queue = self._failures.setdefault(method, deque())
        queue.extend(_Failure(status, code, retry_after) for _ in range(times))

    # -- reading ---------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def counts(self) -> Counter[str]:
        return Counter(c.method for c in self.calls)

    def files_in(self, channel: str) -> list[slack_files.Upload]:
        """The files shared in `channel`, in the order they were shared."""
        return [u for u in self.uploads.values() if u.channel == channel]

    def upload_url(self, file_id: str) -> str:
        """Where getUploadURLExternal sends the bytes (files.slack.com/upload/v1/... in Slack)."""
        return f"{self.base_url.removesuffix('api/')}upload/{file_id}"

    def by_name(self, name: str) -> Channel | None:
        return next((c for c in self.channels.values() if c.name == name), None)

    def ts(self) -> str:
        return f"{int(time.time())}.{next(self.ids):06d}"

    # -- HTTP ------------------------------------------------------------------------------

    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/response/{key}", self._response_url, methods=["POST"]),
                Route("/upload/{file_id}", self._upload, methods=["POST"]),
            ]
        )

    def response_url(self, key: str = "1") -> str:
        """Where Slack would let the app answer a slash command (hooks.slack.com)."""
        return f"{self.base_url.removesuffix('api/')}response/{key}"

    async def _response_url(self, request: Request) -> Response:
        self.responses.append(
            {"key": request.path_params["key"], **json.loads(await request.body())}
        )
        return PlainTextResponse("ok")

    async def _upload(self, request: Request) -> Response:
        """The upload URL: its id is its authority (no token), the body the file's bytes."""
        file_id = request.path_params["file_id"]
        queued = self._failures.get("upload")
        failure = queued.popleft() if queued else None
        if failure is not None:
            self.calls.append(Call("upload", {"file_id": file_id}, failure.status, failure.error))
            return _http_failure(failure)
        upload = self.uploads.get(file_id)
        if upload is None or upload.channel is not None:  # unknown, or already shared
            self.calls.append(Call("upload", {"file_id": file_id}, 404, "not_found"))
            return PlainTextResponse("Not Found", 404)
        upload.content = await request.body()
        self.calls.append(Call("upload", {"file_id": file_id}))
        return PlainTextResponse(f"OK - {len(upload.content)}")

    async def _endpoint(self, request: Request) -> Response:
        method = request.path_params["method"]
        args: Args = {}
        try:
            args = await _arguments(request)
            queued = self._failures.get(method)
            failure = queued.popleft() if queued else None
            if failure is not None and failure.status != 200:
                self.calls.append(Call(method, args, failure.status, failure.error))
                return _http_failure(failure)
            caller = self._authorise(request)
            if failure is not None:
                raise SlackError(failure.error)
            handler = METHODS.get(method)
            if handler is None:
                raise SlackError("unknown_method")
            reply = handler(self, caller, args)
        except SlackError as refused:
            self.calls.append(Call(method, args, 200, refused.reply["error"]))
            return JSONResponse(refused.reply)  # Slack refuses with HTTP 200 and ok: false
        self.calls.append(Call(method, args))
        headers = {"x-oauth-scopes": ",".join(sorted(self.granted_scopes))}  # as Slack sends
        return JSONResponse({"ok": True, **reply}, headers=headers)

    def _authorise(self, request: Request) -> str:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme != "Bearer" or not token.strip():
            raise SlackError("not_authed")
        user = self.tokens.get(token.strip())
        if user is None:
            raise SlackError("invalid_auth")
        return user


def _http_failure(failure: _Failure) -> Response:
    if failure.status == 429:
        headers = {"Retry-After": str(failure.retry_after)}
        return JSONResponse({"ok": False, "error": "ratelimited"}, 429, headers)
    return PlainTextResponse("Internal Server Error", failure.status)  # a proxy's page, not JSON


async def _arguments(request: Request) -> Args:
    """Query string and body merged, as Slack reads them: form-encoded or JSON."""
    args: Args = dict(request.query_params)
    body = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if body and kind == "application/json":
        try:
            data: Any = json.loads(body)
        except ValueError:
            raise SlackError("invalid_json") from None
        if not isinstance(data, dict):
            raise SlackError("json_not_object")
        args |= data
    elif body and kind == "application/x-www-form-urlencoded":
        args |= dict(parse_qsl(body.decode()))
    elif body:
        raise SlackError("invalid_form_data")
    if isinstance(args.get("blocks"), str):  # form-encoded blocks are a JSON string
        try:
            args["blocks"] = json.loads(args["blocks"])
        except ValueError:
            raise SlackError("invalid_blocks_format") from None
    return args


@contextmanager
def serve(fake: SlackApiFake) -> Iterator[SlackApiFake]:
    """Serve the fake on a free 127.0.0.1 port in a daemon thread, until exit."""
    with listening(fake.app, name="Slack API fake") as port:
        fake.base_url = f"http://127.0.0.1:{port}/api/"
        yield fake
