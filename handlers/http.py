"""The ASGI app: notification intake, health probes and the OpenAPI document.

`create_app(factory)` builds the container once in the lifespan and hands it to every request
through the lifespan state (`request.state.container`); tests pass a factory of their own.
`/slack/events` hands Slack's requests to the bolt app when Slack is configured, and
`/api/messages` Teams' activities to the Teams SDK when Teams is (each imported only then).
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.adapters.db.health import Readiness, pooled_problem
from bot.bootstrap import Container
from bot.logging import get_logger
from bot.observability.http import RequestObservation, metrics
from bot.shutdown import Shutdown
from handlers.intake import receive_notification
from handlers.openapi import problem, serve_document
from handlers.pages import decision_record_page, timetable_page

log = get_logger(__name__)

ContainerFactory = Callable[[], Awaitable[Container]]
MAX_BODY_BYTES = 64 * 1024  # a notification is well under 2 KiB
# What Slack sends (ASCII digits; v0= and a hex SHA-256); int() would also take "+1_7e" forms.
SLACK_TIMESTAMP = re.compile(r"[0-9]{1,12}")
SLACK_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
SIGNATURE_LIFETIME_S = 5 * 60  # Slack's own rule: older requests may be replays


class BodyLimit:
    """Refuse a body over `max_bytes` with 413: at once by its Content-Length, or as it is
    read when it arrives chunked (the endpoint's read raises, and the handler renders 413)."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _words(self) -> str:
        return f"The body is larger than {self.max_bytes // 1024} KiB."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await problem(400, "Content-Length is not a number.")(scope, receive, send)
                return
            # Length first: int() refuses a string of over 4,300 digits with a ValueError.
            if len(declared) > 18 or int(declared) > self.max_bytes:
                await problem(413, self._words())(scope, receive, send)
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise HTTPException(413, self._words())
            return message

        await self.app(scope, counted, send)


async def _http_error(_request: Request, exc: Exception) -> Response:
    """404, 405, 413 ... in the same JSON shape as every other refusal."""
    assert isinstance(exc, HTTPException)
    return problem(exc.status_code, exc.detail, headers=exc.headers)


async def healthz(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Open to anyone, so cheap: answers are shared (health.Readiness) and name no host."""
    readiness: Readiness = request.state.readiness
    shutdown: Shutdown | None = request.state.shutdown
    if shutdown is not None and shutdown.started:  # the balancer stops sending at once
        return JSONResponse({"status": "unavailable", "reason": "shutting down"}, status_code=503)
    reason = await readiness.problem()
    if reason is not None:
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    return JSONResponse({"status": "ok"})


def _slack_surface(container: Container) -> Any:
    from handlers.slack.app import slack_surface  # slack-bolt only when serving

    return slack_surface(container)


def _teams_surface(container: Container) -> Any:
    if container.settings.teams_client_id is None:
        return None
    from handlers.teams.app import teams_surface  # the Teams SDK only when Teams is set

    return teams_surface(container)


async def teams_messages(request: Request) -> Response:
    """Bot Framework activities from Teams, once the SDK has validated their token."""
    teams = request.state.teams
    if teams is None:
        return problem(
            404,
            "Teams is not configured: set TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET, TEAMS_TENANT_ID"
            " and TEAMS_APP_ID.",
        )
    response: Response = await teams.handle(request)
    return response


async def _unsigned(request: Request, secret: str) -> Response | None:
    """The refusal of a request not signed by Slack, or None. Checked here, before bolt: bolt
    parses the body before it verifies it, and reads the timestamp with int(), so a forged
    request with a broken body or a timestamp like `yesterday` cost a 500."""
    from slack_sdk.signature import SignatureVerifier  # slack-sdk only when Slack is set

    timestamp = request.headers.get("x-slack-request-timestamp", "")
    body = await request.body()  # kept by starlette: bolt reads the same bytes
    if not timestamp and parse_qs(body.decode("latin-1")).get("ssl_check") == ["1"]:
        return Response(status_code=200)  # Slack's unsigned check of the TLS certificate
    if not SLACK_TIMESTAMP.fullmatch(timestamp):
        log.warning("slack_request_refused", reason="timestamp not a number")
        return problem(401, "X-Slack-Request-Timestamp must be the request's Unix time in seconds.")
    if abs(time.time() - int(timestamp)) > SIGNATURE_LIFETIME_S:
        log.warning("slack_request_refused", reason="signature expired")
        return problem(
            401,
            "The request's Slack signature has expired (its timestamp is more than five minutes"
            " from this server's clock): a replayed request is refused. Check the server's clock.",
        )
    signature = request.headers.get("x-slack-signature", "")
    valid = SLACK_SIGNATURE.fullmatch(signature) and SignatureVerifier(secret).is_valid(
        body=body, timestamp=timestamp, signature=signature
    )
    if not valid:
        log.warning("slack_request_refused", reason="signature does not match")
        return problem(401, "The request is not signed with this app's Slack signing secret.")
    return None


async def slack_events(request: Request) -> Response:
    """Slash commands, interactions and events, once signed by Slack within five minutes."""
    slack = request.state.slack
    if slack is None:
        return problem(
            404, "Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET."
        )
    if slack.handler is None:
        return problem(
            404,
            "Slack runs in Socket Mode here (SLACK_APP_TOKEN is set): Slack's requests arrive"
            " over the socket, not at this endpoint.",
        )
    container: Container = request.state.container
    secret = container.settings.slack_signing_secret
    refused = await _unsigned(request, secret.get_secret_value() if secret else "")
    if refused is not None:
        return refused
    response: Response = await slack.handler.handle(request)
    return response


def create_app(
    container_factory: ContainerFactory, *, shutdown: Shutdown | None = None
) -> Starlette:
    """`shutdown`, when given, turns /readyz to 503 as soon as it starts (SIGTERM)."""

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, Any]]:
        container = await container_factory()
        slack = _slack_surface(container)
        teams = None
        try:
            teams = _teams_surface(container)
            if slack is not None:
                await slack.start()  # Socket Mode dials out to Slack; HTTP mode waits
            if teams is not None:
                await teams.start()  # the SDK registers its messaging route
            # Everything built at start lives as long as the server: out of the collector's
            # sight, a full collection no longer walks it, which cost acks ~70 ms pauses.
            gc.collect()
            gc.freeze()
            readiness = Readiness(lambda: pooled_problem(container.engine), container.ctx.clock)
            yield {
                "container": container,
                "slack": slack,
                "teams": teams,
                "readiness": readiness,
                "shutdown": shutdown,
            }
        finally:
            gc.unfreeze()  # what this app held may now be collected (tests start many)
            if slack is not None:
                await slack.aclose()
            if teams is not None:
                await teams.aclose()
            await container.aclose()

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/notifications", receive_notification, methods=["POST"]),
        Route("/openapi.json", serve_document, methods=["GET"]),
        Route("/timetable/{playbook}", timetable_page, methods=["GET"]),
        Route("/decision-record", decision_record_page, methods=["GET"]),
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/api/messages", teams_messages, methods=["POST"]),
        Route("/metrics", metrics, methods=["GET"]),  # METRICS_TOKEN's bearer only
    ]
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(RequestObservation),  # outermost: a refused body is timed and has an id
            Middleware(BodyLimit, max_bytes=MAX_BODY_BYTES),
        ],
        exception_handlers={HTTPException: _http_error},
        lifespan=lifespan,
    )
