"""`POST /notifications`: a notifying authority's system opens a case (bearer token, JSON).

Thin: authenticate, parse, validate, call `open_case` once, render. The body may hold a
child's name, so it is never logged and no input value is ever echoed back.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.adapters.db.errors import DatabaseUnavailable
from bot.bootstrap import Container
from bot.domain.authorisation import SYSTEM
from bot.domain.errors import Conflict, DomainError, NotAuthorised
from bot.domain.notification import ImplausibleDates, Notification
from bot.logging import get_logger
from bot.services.cases import Opened
from handlers.openapi import problem

log = get_logger(__name__)
JSON_TYPE = "application/json"
KNOWN_FIELDS = frozenset(Notification.model_fields)
# A database that stopped answering mid-request: worth retrying, unlike a bug (500).
UNAVAILABLE = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


def _bearer(header: str | None) -> str | None:
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _authenticate(request: Request, container: Container) -> JSONResponse | None:
    """None when the caller holds the token; otherwise the refusal to send."""
    expected = container.settings.notification_token
    if expected is None or not expected.get_secret_value():
        # Fail closed: a server without a token must not accept anyone's notification.
        return problem(
            503,
            "Intake is not configured: set NOTIFICATION_TOKEN on the server.",
            error="intake_not_configured",
        )
    given = _bearer(request.headers.get("authorization"))
    if given is None:
        return problem(
            401,
            "Send the notification token as `Authorization: Bearer <token>`.",
            headers={"WWW-Authenticate": 'Bearer realm="rrbot"'},
        )
    # Bytes, not str: compare_digest refuses non-ASCII str, and this must not raise.
    if not hmac.compare_digest(given.encode(), expected.get_secret_value().encode()):
        log.warning("notification_refused", reason="the token did not match")
        return problem(
            401,
            "The bearer token is not the one this server accepts.",
            headers={"WWW-Authenticate": 'Bearer realm="rrbot", error="invalid_token"'},
        )
    return None


def _field(loc: tuple[int | str, ...]) -> str:
    """`("dates_of_birth", 0)` -> `dates_of_birth[0]`; the body itself -> `body`."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f"{'.' if path else ''}{part}"
    return path or "body"


def _message(error: ErrorDetails) -> str:
    """Pydantic's words (which never contain the input), in the JSON caller's terms."""
    kind, context = error["type"], error.get("ctx", {})
    if kind == "missing":
        return "This field is required."
    if kind == "extra_forbidden":
        return "This is not a field of a notification."
    if kind == "model_type" and not error["loc"]:
        return "The body must be a JSON object."
    if kind == "tuple_type":
        return "Must be a list (a JSON array)."
    if kind == "too_short" and context.get("field_type") in ("Tuple", "List"):
        return f"Must list at least {context['min_length']} item(s)."
    if kind == "too_long" and context.get("field_type") in ("Tuple", "List"):
        return f"Must list at most {context['max_length']} item(s)."
    if kind == "string_too_short" and context.get("min_length") == 1:
        return "Must not be blank."
    if kind == "string_too_long":
        return f"Must be at most {context['max_length']} characters long."
    if kind.startswith("date"):
        # `ctx.error` is the parser's reason ("day value is outside expected range").
        reason = f" ({context['error']})" if "error" in context else ""
        return f"Must be a real date written YYYY-MM-DD{reason}."
    text = error["msg"].removeprefix("Value error, ")
    return text[:1].upper() + text[1:]


def field_errors(err: ValidationError) -> list[dict[str, str | None]]:
    # `include_input=False`: the rejected value (perhaps a child's name) is dropped at source.
    return [
        {"field": _field(e["loc"]), "message": _message(e)}
        for e in err.errors(include_url=False, include_input=False)
    ]


async def _open(container: Container, notification: Notification) -> Opened:
    # open_case is idempotent on the notifier's reference, races included.
    return await container.services.receive_notification(notification=notification, actor=SYSTEM)


def _refusal(err: DomainError) -> JSONResponse:
    if isinstance(err, ImplausibleDates):
        errors = [{"field": p.field, "message": p.message} for p in err.problems]
        message = f"The notification has {len(errors)} invalid field(s)."
        return problem(422, message, error=err.code, errors=errors)
    if isinstance(err, NotAuthorised):
        return problem(403, err.message, error=err.code)
    if isinstance(err, DatabaseUnavailable):
        return problem(503, err.message, error=err.code)
    if isinstance(err, Conflict):
        return problem(409, f"{err.message} Retrying is safe.", error=err.code)
    return problem(
        422, err.message, error=err.code, errors=[{"field": None, "message": err.message}]
    )


async def receive_notification(request: Request) -> JSONResponse:
    container: Container = request.state.container
    refused = _authenticate(request, container)
    if refused is not None:
        return refused
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != JSON_TYPE:
        return problem(415, f"Send the notification as {JSON_TYPE}.")
    raw = await request.body()  # the size limit is enforced as this is read (handlers.http)
    try:
        data: Any = json.loads(raw)
    except json.JSONDecodeError as err:
        # Position and reason only: the decoder's own message does not quote the document.
        return problem(
            400, f"The body is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}."
        )
    except UnicodeDecodeError:
        return problem(400, "The body is not valid JSON: it is not UTF-8 text.")
    except RecursionError:
        return problem(400, "The body is not valid JSON: it is nested too deeply.")
    except ValueError:  # an integer past Python's 4,300-digit limit for int(str)
        return problem(400, "The body is not valid JSON: a number is too long.")
    try:
        notification = Notification.model_validate(data)
    except ValidationError as err:
        errors = field_errors(err)
        # Only the model's own field names: an unexpected key is itself part of the body.
        known = {str(e["loc"][0]) for e in err.errors() if e["loc"]} & KNOWN_FIELDS
        log.info("notification_invalid", errors=len(errors), fields=sorted(known))
        message = f"The notification has {len(errors)} invalid field(s)."
        return problem(422, message, error="invalid_notification", errors=errors)
    try:
        opened = await _open(container, notification)
    except DomainError as err:
        log.info("notification_refused", reason=err.code)
        return _refusal(err)
    except UNAVAILABLE as err:
        log.warning("notification_failed", error=type(err).__name__)
        return problem(
            503,
            "The database did not answer; send the notification again shortly.",
            headers={"Retry-After": "30"},
        )
    except Exception as err:
        # One line, no traceback: its frames and SQL parameters would carry the body.
        log.error("notification_failed", error=type(err).__name__)
        return problem(
            500,
            "The notification could not be processed; the failure is logged."
            " Sending it again is safe: a case already opened is not opened twice.",
        )
    case = opened.case
    log.info("notification_received", case_ref=case.ref, created=opened.created)
    return JSONResponse(
        {"case_ref": case.ref, "created": opened.created, "stage": case.stage.value},
        status_code=201 if opened.created else 200,
    )
