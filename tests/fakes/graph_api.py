"""A local HTTP fake of Microsoft Graph v1.0 and of Entra ID's token endpoint, for the real
msgraph-sdk and azure-identity to talk to.

It checks what Graph checks and answers in Graph's words (`{"error": {"code", "message"}}`):
the bearer token (401 InvalidAuthenticationToken), the application permissions granted to the
app (403 ErrorAccessDenied), the mailbox (404 ErrorInvalidUser; Request_ResourceNotFound on
/users/{id}), the item (404 ErrorItemNotFound) and each body's required fields (400). Events
are deduplicated by `transactionId`, as Graph documents; getSchedule counts the fake's own
meetings in their attendees' diaries. Action parameters (getSchedule, sendMail, cancel) are
read case-insensitively, as Graph does. Mail sent is kept in Sent Items with the Message-ID and
conversation Exchange would give it, found again by a singleValueExtendedProperties filter;
an event's file attachments reach its attendees' copies only with the event's next update
(a PATCH), as Graph's "Add attachment" page says;
its copy there has no internet headers (Graph shows none on sent items). Inbox messages show
their `internetMessageHeaders` only when `$select` asks for them, as Graph does.

tests/integration/graph/serving.py serves it twice: plain HTTP for Graph (kiota allows http to
127.0.0.1 only) and HTTPS, signed by a throwaway CA, for the token endpoint (azure-identity
accepts only an https authority). Knobs: `add_person`, `respond`, `deliver` (with headers),
`fail`, `granted`, `mailboxes`. `calls` records every Graph request, refused ones included, with the
fake's own time on it. Fictional data only.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = [
    "CLIENT_ID",
    "CLIENT_SECRET",
    "MAILBOX",
    "STATIC_TOKEN",
    "TENANT",
    "GraphApiFake",
    "parameters",
]

TENANT = "8f0c5e2a-0000-4000-8000-00000000f4e1"
CLIENT_ID = "3b2d6a10-0000-4000-8000-0000000c11e7"
CLIENT_SECRET = "fictional-client-secret-for-tests"
STATIC_TOKEN = "static-test-token"  # what the tests' own credential hands out
MAILBOX = "rapid.review@partnership.example.org"
EVERY_ROLE = frozenset({"Calendars.ReadWrite", "Mail.Read", "Mail.Send", "User.ReadBasic.All"})
MAX_SCHEDULES = 20  # the adapter's promise; a larger request is refused so a regression shows
MAX_EVENT_ATTACHMENT = 3 * 1024 * 1024  # Graph attaches "under 3 MB" to an event in one call
UTC = dt.UTC
Json = dict[str, Any]
Diary = list[tuple[dt.datetime, dt.datetime, str]]  # start, end, free/busy status
_CODES = {"free": "0", "tentative": "1", "busy": "2", "oof": "3", "workingElsewhere": "4"}
_CAL_READ = frozenset({"Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite"})
_CAL_WRITE = frozenset({"Calendars.ReadWrite"})
_MAIL_READ = frozenset({"Mail.Read", "Mail.ReadWrite"})
_USERS = frozenset({"User.ReadBasic.All", "User.Read.All", "Directory.Read.All"})
_FAULT_CODES = {429: "TooManyRequests", 503: "ServiceUnavailable", 504: "GatewayTimeout"}
_SINCE = re.compile(r"receivedDateTime ge (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")
_PROPERTY_ID = re.compile(r"String \{[0-9a-fA-F-]{36}\} Name \w+")
_TAGGED = re.compile(
    r"singleValueExtendedProperties/Any\(ep: ep/id eq '([^']+)' and ep/value eq '([^']*)'\)"
)


class GraphError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status, self.code, self.message = status, code, message


def _bad(message: str, code: str = "ErrorInvalidRequest") -> GraphError:
    return GraphError(400, code, message)


def _gone() -> GraphError:
    return GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # decoded, from /v1.0 on
    status: int
    token: str | None  # the bearer token that arrived; None without an Authorization header
    body: Any
    seconds: float  # the fake's own time on it
    prefer: str | None = None  # the Prefer header (outlook.timezone="UTC" ...)


@dataclass
class Event:
    id: str
    mailbox: str
    subject: str
    body: Json
    start: dt.datetime
    end: dt.datetime
    attendees: list[Json]  # Graph's shape: type, status {response, time}, emailAddress
    transaction_id: str | None
    online: bool
    cancelled: str | None = None  # the comment sent with the cancellation
    # The organiser's file attachments, by id: name, content type, bytes.
    attachments: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)
    # What attendees' copies hold: the attachments as of the last update sent (a PATCH).
    attendee_copy: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)


@dataclass
class Mail:
    mailbox: str
    to: list[str]
    subject: str
    body: Json
    attachments: list[tuple[str, str, bytes]]  # name, content type, content
    headers: dict[str, str]
    properties: dict[str, str] = field(default_factory=dict)  # singleValueExtendedProperties
    id: str = ""  # of its copy in Sent Items
    internet_message_id: str = ""  # what Exchange gives it on sending
    conversation_id: str = ""


@dataclass
class Inbound:
    id: str
    sender: str
    subject: str
    html: str
    received: dt.datetime
    conversation_id: str
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)
    internet_message_id: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)  # transport headers, in order


@dataclass
class Ctx:
    user: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any


Answer = tuple[int, Json | None]
Handler = Callable[["GraphApiFake", Ctx], Answer]


class GraphApiFake:
    def __init__(self) -> None:
        self.base_url = ""  # http://127.0.0.1:port/v1.0, set by `serve`
        self.authority = ""  # https://127.0.0.1:port, set by `serve`
        self.ca_file = ""  # the throwaway CA that signed the authority's certificate
        self._mounted: list[tuple[str, str, Handler, frozenset[str]]] = []
        self.reset()

    def mount(self, table: list[tuple[str, str, Handler, frozenset[str]]]) -> None:
        """Routes of another Graph area (Teams: graph_teams.py), before `serve`: token, faults
        and `calls` as for the rest; each handler checks its own permissions, in its words."""
        self._mounted += table

    def reset(self) -> None:
        self.calls: list[Call] = []
        self.token_requests: list[dict[str, str]] = []  # form fields, the secret left out
        self.tokens: set[str] = {STATIC_TOKEN}
        self.granted: set[str] = set(EVERY_ROLE)
        self.mailboxes: set[str] = {MAILBOX}
        self.diaries: dict[str, Diary] = {}
        self.events: dict[str, Event] = {}
        self.sent: list[Mail] = []
        self.inbox: dict[str, list[Inbound]] = {}
        self._faults: list[tuple[str, str | None, deque[int | None], int, bool]] = []
        self._ids = itertools.count(1)

    # -- knobs -----------------------------------------------------------------------------

    def add_person(self, email: str, busy: Diary | None = None) -> None:
        """A diary Graph can read: (start, end, status) with status free, tentative, busy,
        oof or workingElsewhere."""
        self.diaries[email.lower()] = list(busy or [])

    def respond(self, event_id: str, email: str, response: str) -> None:
        """What an invitee does in Outlook: accepted, tentativelyAccepted, declined ..."""
        for attendee in self.events[event_id].attendees:
            if attendee["emailAddress"]["address"].lower() == email.lower():
                attendee["status"] = {"response": response, "time": _stamp(_now())}
                return
        raise KeyError(email)

    def deliver(
        self,
        *,
        sender: str,
        subject: str,
        html: str,
        received: dt.datetime,
        attachments: list[tuple[str, str, bytes]] | None = None,
        conversation_id: str = "",
        mailbox: str = MAILBOX,
        headers: list[tuple[str, str]] | None = None,
    ) -> str:
        """An email arriving in `mailbox`'s inbox; returns its id. `headers` are its
        internet headers top first, as Exchange Online stores them (Authentication-Results,
        In-Reply-To ...); Graph shows them only when `$select` asks for them."""
        n = next(self._ids)
        message_id = f"AAMkAG1lc3NhZ2U{n:06d}AAA="
        conversation = conversation_id or f"AAQkAGNvbnY{next(self._ids):06d}="
        self.inbox.setdefault(mailbox.lower(), []).append(
            Inbound(
                message_id,
                sender,
                subject,
                html,
                received,
                conversation,
                attachments or [],
                f"<MSG{n:06d}@mail.agency.example.org>",
                list(headers or []),
            )
        )
        return message_id

    def fail(
        self,
        path_suffix: str,
        *,
        times: int = 1,
        status: int = 429,
        retry_after: int | None = 1,
        method: str | None = None,
        after_doing: bool = False,
    ) -> None:
        """The next `times` Graph calls whose path ends with `path_suffix` (and whose method
        is `method`, when given) answer `status` with `Retry-After` (None: no header).
        `after_doing`: each call is carried out first and only its answer is lost (a gateway
        timing out after the write)."""
        queue = deque([retry_after] * times)
        self._faults.append((path_suffix, method, queue, status, after_doing))

    # -- reading ---------------------------------------------------------------------------

    def calls_to(self, path_suffix: str, method: str | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.path.endswith(path_suffix) and (method is None or c.method == method)
        ]

    # -- HTTP ------------------------------------------------------------------------------

    @property
    def app(self) -> Starlette:
        user = "/v1.0/users/{user}"
        messages = f"{user}/mailFolders/{{folder}}/messages"
        table: list[tuple[str, str, Handler, frozenset[str]]] = [
            (user, "GET", _get_user, _USERS),
            (f"{user}/calendar", "GET", _get_calendar, _CAL_READ),
            (f"{user}/calendar/getSchedule", "POST", _get_schedule, _CAL_READ),
            (f"{user}/events", "GET", _list_events, _CAL_READ),
            (f"{user}/events", "POST", _create_event, _CAL_WRITE),
            (f"{user}/events/{{event}}", "GET", _get_event, _CAL_READ),
            (f"{user}/events/{{event}}", "PATCH", _patch_event, _CAL_WRITE),
            (f"{user}/events/{{event}}/cancel", "POST", _cancel_event, _CAL_WRITE),
            (f"{user}/events/{{event}}/attachments", "GET", _event_attachments, _CAL_WRITE),
            (f"{user}/events/{{event}}/attachments", "POST", _attach_to_event, _CAL_WRITE),
            (
                f"{user}/events/{{event}}/attachments/{{attachment}}",
                "DELETE",
                _detach_from_event,
                _CAL_WRITE,
            ),
            (f"{user}/sendMail", "POST", _send_mail, frozenset({"Mail.Send"})),
            (messages, "GET", _list_messages, _MAIL_READ),
            (f"{messages}/{{message}}/attachments", "GET", _list_attachments, _MAIL_READ),
        ]
        routes = [Route("/{tenant}/oauth2/v2.0/token", self._token, methods=["POST"])]
        table += self._mounted
        routes += [Route(p, self._endpoint(h, r), methods=[m]) for p, m, h, r in table]
        return Starlette(routes=routes)

    def _endpoint(self, handler: Handler, roles: frozenset[str]) -> Callable[..., Any]:
        async def endpoint(request: Request) -> Response:
            started = time.perf_counter()
            raw = await request.body()
            scheme, _, credential = request.headers.get("authorization", "").partition(" ")
            token = credential.strip() if scheme.lower() == "bearer" else None
            headers: dict[str, str] = {}
            body: Any = None
            try:
                body = json.loads(raw) if raw else None
                status, reply = self._answer(request, handler, roles, token, body, headers)
            except ValueError:
                status, reply = 400, _error("BadRequest", "Unable to read JSON request payload.")
            except GraphError as err:
                status, reply = err.status, _error(err.code, err.message)
            path = request.scope["path"]
            spent = time.perf_counter() - started
            prefer = request.headers.get("prefer")
            self.calls.append(Call(request.method, path, status, token, body, spent, prefer))
            if reply is None:
                return Response(status_code=status, headers=headers)
            return JSONResponse(reply, status, headers)

        return endpoint

    def _answer(
        self,
        request: Request,
        handler: Handler,
        roles: frozenset[str],
        token: str | None,
        body: Any,
        headers: dict[str, str],
    ) -> Answer:
        if not token:
            raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty.")
        if token not in self.tokens:
            raise GraphError(401, "InvalidAuthenticationToken", "Access token validation failure.")
        fault = self._fault(request.scope["path"], request.method)
        if fault is not None and not fault[2]:
            return self._faulted(fault, headers)
        answer = self._carry_out(request, handler, roles, body)
        return answer if fault is None else self._faulted(fault, headers)

    @staticmethod
    def _faulted(fault: tuple[int, int | None, bool], headers: dict[str, str]) -> Answer:
        status, retry_after, _ = fault
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        code = _FAULT_CODES.get(status, "InternalServerError")
        return status, _error(code, "Please retry later.")

    def _carry_out(
        self, request: Request, handler: Handler, roles: frozenset[str], body: Any
    ) -> Answer:
        if any(handler is h for _, _, h, _ in self._mounted):
            params = dict(request.path_params)
            return handler(self, Ctx("", params, dict(request.query_params), body))
        if not roles & self.granted:
            raise GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials.")
        user = request.path_params["user"].lower()
        if user not in self.mailboxes:
            if handler is _get_user:
                raise GraphError(
                    404, "Request_ResourceNotFound", f"Resource '{user}' does not exist."
                )
            raise GraphError(404, "ErrorInvalidUser", f"The requested user '{user}' is invalid.")
        return handler(self, Ctx(user, request.path_params, dict(request.query_params), body))

    def _fault(self, path: str, method: str) -> tuple[int, int | None, bool] | None:
        for suffix, only, queue, status, after_doing in self._faults:
            if queue and path.endswith(suffix) and only in (None, method):
                return status, queue.popleft(), after_doing
        return None

    async def _token(self, request: Request) -> Response:
        """Entra ID's client-credentials grant: a JWT-shaped token whose `roles` claim lists
        the permissions granted at that moment (what `rrbot doctor` reads)."""
        form = dict(parse_qsl((await request.body()).decode()))
        self.token_requests.append({k: v for k, v in form.items() if k != "client_secret"})
        if request.path_params["tenant"] != TENANT:
            return _aad(400, "invalid_request", "AADSTS90002: Tenant not found.")
        if form.get("grant_type") != "client_credentials":
            return _aad(400, "unsupported_grant_type", "AADSTS70003: Unsupported grant type.")
        if form.get("client_id") != CLIENT_ID:
            return _aad(400, "unauthorized_client", "AADSTS700016: Application not found.")
        if form.get("client_secret") != CLIENT_SECRET:
            return _aad(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
        if not form.get("scope", "").endswith("/.default"):
            return _aad(400, "invalid_scope", "AADSTS1002012: The scope must end in /.default.")
        claims = {"aud": "https://graph.microsoft.com", "tid": TENANT, "appid": CLIENT_ID}
        token = _jwt(claims | {"roles": sorted(self.granted), "n": next(self._ids)})
        self.tokens.add(token)
        return JSONResponse({"token_type": "Bearer", "expires_in": 3599, "access_token": token})


# -- calendar ------------------------------------------------------------------------------


def _get_user(fake: GraphApiFake, ctx: Ctx) -> Answer:
    return 200, {"id": f"user-{ctx.user}", "mail": ctx.user, "userPrincipalName": ctx.user}


def _get_calendar(fake: GraphApiFake, ctx: Ctx) -> Answer:
    return 200, {"id": "AAMkAGNhbGVuZGFy", "name": "Calendar", "owner": {"address": ctx.user}}


def _get_schedule(fake: GraphApiFake, ctx: Ctx) -> Answer:
    body = parameters(ctx.body)
    people = body.get("schedules")
    if not isinstance(people, list) or not people or not all(isinstance(p, str) for p in people):
        raise _bad("The property 'schedules' must list at least one address.")
    if len(people) > MAX_SCHEDULES:
        raise _bad(f"At most {MAX_SCHEDULES} schedules per request.")
    start, end = _time(body, "startTime"), _time(body, "endTime")
    interval = body.get("availabilityViewInterval", 30)
    if not isinstance(interval, int) or not 5 <= interval <= 1440:
        raise _bad("availabilityViewInterval must be between 5 and 1440.")
    if end <= start:
        raise _bad("The endTime must be after the startTime.")
    if dt.timedelta(minutes=interval) > end - start:
        raise _bad(
            "The specified merged free/busy interval is not valid.",
            "ErrorInvalidMergedFreeBusyInterval",
        )
    return 200, {"value": [_schedule(fake, p, start, end, interval) for p in people]}


def _schedule(
    fake: GraphApiFake, person: str, start: dt.datetime, end: dt.datetime, n: int
) -> Json:
    who = person.lower()
    if who not in fake.diaries and who not in fake.mailboxes:
        error = {
            "message": "The recipient was not found.",
            "responseCode": "ErrorMailRecipientNotFound",
        }
        return {"scheduleId": person, "availabilityView": "", "scheduleItems": [], "error": error}
    items = [(s, e, status) for s, e, status in fake.diaries.get(who, []) if e > start and s < end]
    for event in fake.events.values():
        answer = _answer_of(event, who)
        live = event.cancelled is None and answer not in (None, "declined")
        if live and event.end > start and event.start < end:
            status = "busy" if answer in ("accepted", "organizer") else "tentative"
            items.append((event.start, event.end, status))
    items.sort()
    step = dt.timedelta(minutes=n)
    view = ""
    for i in range(math.ceil((end - start) / step)):
        lo, hi = start + i * step, start + (i + 1) * step
        codes = [_CODES.get(st, "2") for s, e, st in items if e > lo and s < hi]
        view += max(codes, default="0")
    return {
        "scheduleId": person,
        "availabilityView": view,
        "scheduleItems": [
            {"isPrivate": False, "status": st, "start": _graph_time(s), "end": _graph_time(e)}
            for s, e, st in items
        ],
    }


def _answer_of(event: Event, who: str) -> str | None:
    if event.mailbox == who:
        return "organizer"
    for attendee in event.attendees:
        if attendee["emailAddress"]["address"].lower() == who:
            return str(attendee["status"]["response"])
    return None


def _list_events(fake: GraphApiFake, ctx: Ctx) -> Answer:
    top = int(ctx.query.get("$top", "10"))
    mine = [e for e in fake.events.values() if e.mailbox == ctx.user][:top]
    return 200, {"value": [_select(_event_json(e), ctx) for e in mine]}


def _create_event(fake: GraphApiFake, ctx: Ctx) -> Answer:
    body = _object(ctx.body)
    tx = body.get("transactionId")
    for event in fake.events.values():  # a client's retry: the event it already made
        if tx and event.mailbox == ctx.user and event.transaction_id == tx:
            return 201, _event_json(event)
    start, end = _time(body, "start"), _time(body, "end")
    if end <= start:
        raise _bad("The end of an event must be after its start.")
    online = bool(body.get("isOnlineMeeting"))
    if online and body.get("onlineMeetingProvider") not in (None, "teamsForBusiness"):
        raise _bad("This mailbox offers teamsForBusiness meetings only.")
    n = next(fake._ids)
    event = Event(
        id=f"AAMkAGV2ZW50{n:06d}AAA=",
        mailbox=ctx.user,
        subject=str(body.get("subject") or ""),
        body=_item_body(body.get("body")),
        start=start,
        end=end,
        attendees=_attendees(body.get("attendees", []), {}),
        transaction_id=tx if isinstance(tx, str) else None,
        online=online,
    )
    fake.events[event.id] = event
    return 201, _event_json(event)


def _event(fake: GraphApiFake, ctx: Ctx) -> Event:
    event = fake.events.get(ctx.params["event"])
    if event is None or event.mailbox != ctx.user:
        raise GraphError(
            404, "ErrorItemNotFound", "The specified object was not found in the store."
        )
    return event


def _get_event(fake: GraphApiFake, ctx: Ctx) -> Answer:
    return 200, _select(_event_json(_event(fake, ctx)), ctx)


def _patch_event(fake: GraphApiFake, ctx: Ctx) -> Answer:
    event, body = _event(fake, ctx), _object(ctx.body)
    if "transactionId" in body and body["transactionId"] != event.transaction_id:
        raise _bad("The transactionId of an event cannot be changed.")
    start = _time(body, "start") if "start" in body else event.start
    end = _time(body, "end") if "end" in body else event.end
    if end <= start:
        raise _bad("The end of an event must be after its start.")
    event.start, event.end = start, end
    if "subject" in body:
        event.subject = str(body["subject"] or "")
    if "attendees" in body:  # the whole list; answers already given stay with their people
        known = {a["emailAddress"]["address"].lower(): a["status"] for a in event.attendees}
        event.attendees = _attendees(body["attendees"], known)
    if "body" in body:
        event.body = _item_body(body["body"])
    event.attendee_copy = dict(event.attachments)  # the update carries the attachments
    return 200, _event_json(event)


def _attach_to_event(fake: GraphApiFake, ctx: Ctx) -> Answer:
    event, item = _event(fake, ctx), _object(ctx.body)
    if item.get("@odata.type") != "#microsoft.graph.fileAttachment":
        raise _bad("The fake expects a file attachment here.")
    if not item.get("name"):
        raise _bad("An attachment needs a name.")
    try:
        content = base64.b64decode(item.get("contentBytes", ""), validate=True)
    except (binascii.Error, ValueError):
        raise _bad("contentBytes is not base64.") from None
    if len(content) >= MAX_EVENT_ATTACHMENT:  # the adapter refuses first: a regression shows
        raise GraphError(413, "RequestEntityTooLarge", "The attachment is too large.")
    attachment_id = f"AAMkAGV2ZW50YXR0{next(fake._ids):06d}="
    kind = str(item.get("contentType") or "application/octet-stream")
    event.attachments[attachment_id] = (str(item["name"]), kind, content)
    shown = {"@odata.type": "#microsoft.graph.fileAttachment", "id": attachment_id}
    return 201, shown | {"name": item["name"], "contentType": kind, "size": len(content)}


def _event_attachments(fake: GraphApiFake, ctx: Ctx) -> Answer:
    value = [
        {
            "@odata.type": "#microsoft.graph.fileAttachment",
            "id": attachment_id,
            "name": name,
            "contentType": kind,
            "size": len(content),
            "contentBytes": base64.b64encode(content).decode(),
        }
        for attachment_id, (name, kind, content) in _event(fake, ctx).attachments.items()
    ]
    return 200, {"value": [_select(v, ctx) for v in value]}


def _detach_from_event(fake: GraphApiFake, ctx: Ctx) -> Answer:
    event = _event(fake, ctx)
    if event.attachments.pop(ctx.params["attachment"], None) is None:
        raise _gone()
    return 204, None


def _cancel_event(fake: GraphApiFake, ctx: Ctx) -> Answer:
    event = _event(fake, ctx)
    comment = parameters(ctx.body or {}).get("comment", "")
    event.cancelled = comment if isinstance(comment, str) else ""
    return 202, None


def _attendees(value: Any, known: dict[str, Json]) -> list[Json]:
    if not isinstance(value, list):
        raise _bad("The property 'attendees' must be a list.")
    found = []
    for attendee in value:
        address = (_object(attendee).get("emailAddress") or {}).get("address")
        if not isinstance(address, str) or "@" not in address:
            raise _bad("Each attendee needs an emailAddress with an address.")
        kind = attendee.get("type") or "required"
        if kind not in ("required", "optional", "resource"):
            raise _bad(f"Unknown attendee type '{kind}'.")
        status = known.get(address.lower(), {"response": "none", "time": "0001-01-01T00:00:00Z"})
        found.append({"type": kind, "status": status, "emailAddress": {"address": address}})
    return found


def _event_json(event: Event) -> Json:
    join = f"https://teams.example.org/l/meetup-join/{event.id[-10:-3]}" if event.online else None
    return {
        "@odata.etag": f'W/"{event.id[-9:-3]}"',
        "id": event.id,
        "iCalUId": f"040000008200E00074C5B7101A82E008{event.id[-9:-3]}",
        "subject": event.subject,
        "body": event.body,
        "start": _graph_time(event.start),
        "end": _graph_time(event.end),
        "attendees": event.attendees,
        "organizer": {"emailAddress": {"address": event.mailbox}},
        "isOnlineMeeting": event.online,
        "onlineMeetingProvider": "teamsForBusiness" if event.online else "unknown",
        "onlineMeeting": {"joinUrl": join} if join else None,
        "webLink": f"https://outlook.example.org/owa/?itemid={event.id}",
        "isCancelled": event.cancelled is not None,
        "transactionId": event.transaction_id,
    }


# -- mail ----------------------------------------------------------------------------------


def _send_mail(fake: GraphApiFake, ctx: Ctx) -> Answer:
    message = _object(parameters(ctx.body).get("message"))
    to = [
        (_object(r).get("emailAddress") or {}).get("address")
        for r in message.get("toRecipients") or []
    ]
    if not to or not all(isinstance(a, str) and "@" in a for a in to):
        raise _bad("At least one recipient is not valid.", "ErrorInvalidRecipients")
    headers = {}
    for header in message.get("internetMessageHeaders") or []:
        name = str(_object(header).get("name", ""))
        if not name.lower().startswith("x-"):
            raise _bad(
                "Custom headers must begin with 'x-' or 'X-'.", "InvalidInternetMessageHeader"
            )
        headers[name] = str(header.get("value", ""))
    files = []
    for attachment in message.get("attachments") or []:
        item = _object(attachment)
        if item.get("@odata.type") != "#microsoft.graph.fileAttachment":
            raise _bad("Only file attachments are expected here.")
        if not item.get("name"):
            raise _bad("An attachment needs a name.")
        try:
            content = base64.b64decode(item.get("contentBytes", ""), validate=True)
        except (binascii.Error, ValueError):
            raise _bad("contentBytes is not base64.") from None
        files.append((item["name"], str(item.get("contentType", "")), content))
    properties = {}
    for prop in message.get("singleValueExtendedProperties") or []:
        item = _object(prop)
        if not _PROPERTY_ID.fullmatch(str(item.get("id", ""))):
            raise _bad("The extended property id is not valid.", "ErrorInvalidProperty")
        properties[str(item["id"])] = str(item.get("value", ""))
    body = _item_body(message.get("body"))
    subject = str(message.get("subject") or "")
    n = next(fake._ids)
    fake.sent.append(
        Mail(
            ctx.user,
            to,
            subject,
            body,
            files,
            headers,
            properties,
            id=f"AAMkAHNlbnQ{n:06d}AAA=",
            internet_message_id=f"<SENT{n:06d}@partnership.prod.outlook.example>",
            conversation_id=f"AAQkAGNvbnZTZW50{n:06d}=",
        )
    )
    return 202, None


def _list_messages(fake: GraphApiFake, ctx: Ctx) -> Answer:
    folder = ctx.params["folder"].lower()
    if folder == "sentitems":
        return _list_sent_items(fake, ctx)
    if folder != "inbox":
        raise GraphError(404, "ErrorItemNotFound", "The specified folder was not found.")
    found = list(fake.inbox.get(ctx.user, []))
    wanted = ctx.query.get("$filter")
    if wanted:
        since = _SINCE.fullmatch(wanted)
        if since is None:
            raise _bad("The fake reads only 'receivedDateTime ge <UTC time>'.", "BadRequest")
        cutoff = dt.datetime.fromisoformat(since.group(1))
        found = [m for m in found if m.received >= cutoff]
    order = ctx.query.get("$orderby", "receivedDateTime desc")
    found.sort(key=lambda m: m.received, reverse=order.endswith("desc"))
    top, skip = int(ctx.query.get("$top", "10")), int(ctx.query.get("$skip", "0"))
    page: Json = {"value": [_message_json(m, ctx) for m in found[skip : skip + top]]}
    if skip + top < len(found):
        query = ctx.query | {"$skip": str(skip + top)}
        path = f"/users/{ctx.user}/mailFolders/inbox/messages"
        page["@odata.nextLink"] = f"{fake.base_url}{path}?{urlencode(query)}"
    return 200, page


def _list_attachments(fake: GraphApiFake, ctx: Ctx) -> Answer:
    message = next((m for m in fake.inbox.get(ctx.user, []) if m.id == ctx.params["message"]), None)
    if message is None:
        raise GraphError(
            404, "ErrorItemNotFound", "The specified object was not found in the store."
        )
    value = [
        {
            "@odata.type": "#microsoft.graph.fileAttachment",
            "id": f"AAMkAGF0dGFjaG1lbnQ{i}=",
            "name": name,
            "contentType": kind,
            "size": len(content),
            "isInline": False,
            "contentBytes": base64.b64encode(content).decode(),
        }
        for i, (name, kind, content) in enumerate(message.attachments)
    ]
    return 200, {"value": value}


def _list_sent_items(fake: GraphApiFake, ctx: Ctx) -> Answer:
    """Sent Items, found by an extended property (how a sendMail message is found again).
    Their copies carry no internetMessageHeaders: Graph shows none on sent items."""
    mine = [m for m in fake.sent if m.mailbox == ctx.user]
    wanted = ctx.query.get("$filter")
    if wanted:
        tagged = _TAGGED.fullmatch(wanted)
        if tagged is None:
            raise _bad("The fake reads only an extended property filter here.", "BadRequest")
        name, value = tagged.groups()
        mine = [m for m in mine if m.properties.get(name) == value]
    top = int(ctx.query.get("$top", "10"))
    value = [
        {
            "id": m.id,
            "internetMessageId": m.internet_message_id,
            "conversationId": m.conversation_id,
            "subject": m.subject,
        }
        for m in mine[:top]
    ]
    return 200, {"value": [_select(v, ctx) for v in value]}


def _message_json(message: Inbound, ctx: Ctx) -> Json:
    selected = ctx.query.get("$select", "").split(",")
    headers = [{"name": n, "value": v} for n, v in message.headers]
    return {
        "id": message.id,
        "conversationId": message.conversation_id,
        "internetMessageId": message.internet_message_id,
        "subject": message.subject,
        "receivedDateTime": message.received.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "hasAttachments": bool(message.attachments),
        "from": {"emailAddress": {"address": message.sender}},
        "body": {"contentType": "html", "content": message.html},
    } | ({"internetMessageHeaders": headers} if "internetMessageHeaders" in selected else {})


# -- shapes --------------------------------------------------------------------------------


def parameters(body: Any) -> Json:
    """An action's parameters by their camelCase names: Graph reads them case-insensitively,
    and msgraph-sdk sends them PascalCase (`Schedules`, `StartTime`, `Message`, `Comment`)."""
    return {k[:1].lower() + k[1:]: v for k, v in _object(body).items()}


def _object(value: Any) -> Json:
    if not isinstance(value, dict):
        raise _bad("Expected a JSON object.", "BadRequest")
    return value


def _time(body: Json, name: str) -> dt.datetime:
    value = body.get(name)
    if not isinstance(value, dict) or not value.get("dateTime") or not value.get("timeZone"):
        raise _bad(f"The property '{name}' needs a dateTime and a timeZone.")
    try:
        zone = dt.UTC if value["timeZone"] == "UTC" else ZoneInfo(value["timeZone"])
        whole, _, fraction = str(value["dateTime"]).partition(".")
        moment = dt.datetime.fromisoformat(f"{whole}.{fraction[:6]}" if fraction else whole)
    except (ZoneInfoNotFoundError, ValueError):
        raise _bad(f"The property '{name}' is not a valid dateTimeTimeZone.") from None
    if moment.tzinfo is not None:
        raise _bad(f"The dateTime of '{name}' must not carry an offset; timeZone says it.")
    return moment.replace(tzinfo=zone).astimezone(UTC)


def _graph_time(moment: dt.datetime) -> Json:
    return {
        "dateTime": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000"),
        "timeZone": "UTC",
    }


def _item_body(value: Any) -> Json:
    body = _object(value or {"contentType": "text", "content": ""})
    kind = body.get("contentType", "text")
    if kind not in ("text", "html"):
        raise _bad(f"Unknown body contentType '{kind}'.")
    return {"contentType": kind, "content": str(body.get("content") or "")}


def _select(item: Json, ctx: Ctx) -> Json:
    fields = {f for f in ctx.query.get("$select", "").split(",") if f}
    if not fields:
        return item
    return {k: v for k, v in item.items() if k in fields or k in ("id", "@odata.etag")}


def _error(code: str, message: str) -> Json:
    return {"error": {"code": code, "message": message, "innerError": {"request-id": "fake"}}}


def _aad(status: int, error: str, description: str) -> Response:
    code = int(description[6 : description.index(":")])
    body = {"error": error, "error_description": description, "error_codes": [code]}
    return JSONResponse(body, status)


def _jwt(claims: Json) -> str:
    def part(data: Json) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'typ': 'JWT', 'alg': 'RS256'})}.{part(claims)}.ZmFrZS1zaWduYXR1cmU"


def _now() -> dt.datetime:
    return dt.datetime.now(UTC)


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
