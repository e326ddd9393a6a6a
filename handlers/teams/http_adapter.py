"""The SDK's HttpServerAdapter, made to register its messaging route with rrbot's starlette
app rather than start a FastAPI server of its own.

The SDK calls `register_route` once, when the App is initialised; `answer` then hands each
request to that route, which validates the token (signature, issuer, audience, expiry and the
`serviceurl` claim against the activity's serviceUrl) before anything runs. Refusals come back
in the same JSON shape as every other refusal of rrbot's.
"""

from __future__ import annotations

import json
from typing import Any

from microsoft_teams.apps.http.adapter import (
    HttpMethod,
    HttpRequest,
    HttpResponse,
    HttpRouteHandler,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.logging import get_logger
from handlers.openapi import problem

log = get_logger(__name__)
UNAUTHORISED = (
    "The request does not carry a valid Bot Framework token for this bot: Teams requests are"
    " signed by the Bot Connector, and their token's serviceurl must match the activity's."
)


class StarletteRouteAdapter:
    """Holds the SDK's route handlers by path; rrbot's own route calls `answer`."""

    def __init__(self) -> None:
        self.routes: dict[str, HttpRouteHandler] = {}

    def register_route(self, method: HttpMethod, path: str, handler: HttpRouteHandler) -> None:
        if method != "POST":
            raise ValueError(f"Teams routes are POST only, not {method}.")
        self.routes[path] = handler

    def serve_static(self, path: str, directory: str) -> None:
        raise ValueError("rrbot serves no static files for Teams (tabs are not used).")

    async def start(self, port: int) -> None:
        raise RuntimeError("`rrbot serve` runs the server; the Teams SDK does not start one.")

    async def stop(self) -> None:
        return None  # the server is rrbot's, stopped by `rrbot serve`

    async def answer(self, request: Request, path: str) -> Response:
        handler = self.routes.get(path)
        if handler is None:
            return problem(503, "Teams is still starting: try again in a moment.")
        headers = dict(request.headers)  # lower-case names, as the SDK looks them up
        if not headers.get("authorization", "").startswith("Bearer "):
            log.warning("teams_request_refused", reason="no bearer token")
            return problem(401, UNAUTHORISED)  # before the body is even read
        body = _activity(await request.body())
        if body is None:
            return problem(400, "The body is not a JSON object (a Bot Framework activity).")
        result: HttpResponse = await handler(HttpRequest(body=body, headers=headers))
        status = result["status"]
        if status == 401:
            log.warning("teams_request_refused", reason="token not valid")
            return problem(401, UNAUTHORISED)
        if status >= 500:
            return problem(status, "The activity could not be handled; Teams will try again.")
        content = result.get("body")
        if content is None:
            return Response(status_code=status)
        return JSONResponse(content, status_code=status)


def _activity(raw: bytes) -> dict[str, object] | None:
    try:
        value: Any = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: brackets nested thousands deep
        return None
    return value if isinstance(value, dict) else None
