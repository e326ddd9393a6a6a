"""HTTP plumbing for observability: a request id on every request and its log lines, the
latency of each request by route template, and the token-guarded /metrics endpoint."""

from __future__ import annotations

import hmac
import re
import time
import uuid

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.bootstrap import Container
from bot.observability.metrics import observe_http
from bot.observability.snapshot import SnapshotCollector, read_snapshot

REQUEST_ID_HEADER = b"x-request-id"
# An incoming id is kept only when it is short and plain (a proxy's or a load balancer's):
# anything else could forge log lines or carry personal data, and is replaced by our own.
SAFE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,64}")
UNMATCHED = "unmatched"  # no route: the raw path is never a label (a scanner's paths are many)


def request_id_of(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER and SAFE_REQUEST_ID.fullmatch(value):
            return bytes(value).decode("ascii")
    return uuid.uuid4().hex


class RequestObservation:
    """Binds `request_id` for the log lines of one request (structlog contextvars), returns
    it as `X-Request-Id`, and times the request by its route template and status class."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        started = time.perf_counter()
        status = 500  # what the client sees when the app fails before it answers

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != REQUEST_ID_HEADER
                ]
                headers.append((REQUEST_ID_HEADER, request_id.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                route = scope.get("route")
                template = getattr(route, "path", None) or UNMATCHED
                observe_http(template, scope["method"], status, time.perf_counter() - started)


def _authorised(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


async def metrics(request: Request) -> Response:
    """Prometheus exposition: this process's counters and histograms, then the database's
    figures as of now. 404 unless METRICS_TOKEN is set; 401 without that bearer token."""
    container: Container = request.state.container
    token = container.settings.metrics_token
    if token is None or not token.get_secret_value():
        return Response(status_code=404)
    if not _authorised(request, token.get_secret_value()):
        return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
    async with container.engine.connect() as conn:
        snapshot = await read_snapshot(conn, container.ctx)
    database = CollectorRegistry(auto_describe=False)
    database.register(SnapshotCollector(snapshot))
    body = generate_latest(REGISTRY) + generate_latest(database)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
