"""The HTTP contract: the one error shape every refusal uses, and the OpenAPI document."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.domain.notification import Notification

COMPONENTS = "#/components/schemas/"
JSON = "application/json"
# Spelled out, not taken from HTTPStatus: its phrases change between Python releases (413, 422).
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "content_too_large",
    415: "unsupported_media_type",
    422: "unprocessable_content",
    500: "internal_error",
    503: "service_unavailable",
}


def problem(
    status: int,
    message: str,
    *,
    error: str | None = None,
    errors: Sequence[Mapping[str, str | None]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """`{"error": <code>, "message": <words>[, "errors": [...]]}`; the code defaults to the
    status's RFC 9110 name (`unauthorized`, `unsupported_media_type` ...)."""
    code = error or CODES.get(status) or f"http_{status}"
    body: dict[str, Any] = {"error": code, "message": message}
    if errors is not None:
        body["errors"] = list(errors)
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def _notification_schemas() -> dict[str, Any]:
    schema = Notification.model_json_schema(ref_template=COMPONENTS + "{model}")
    nested = schema.pop("$defs", {})
    schema["description"] = (
        "A notification of a serious child safeguarding incident. `external_ref` is the"
        " notifying authority's own reference: posting it again returns the same case."
        " Names and dates of birth are held on the case to keep them out of chat, calendars,"
        " mail and logs; they are never displayed or echoed back."
    )
    schema["properties"]["agencies"]["uniqueItems"] = True  # enforced by the model's validator
    return {"Notification": schema, **nested}


def _error_schemas() -> dict[str, Any]:
    field_error = {
        "type": "object",
        "required": ["field", "message"],
        "properties": {
            "field": {
                "type": ["string", "null"],
                "description": "dotted path such as `dates_of_birth[0]`; `body` for the whole"
                " body; null when the problem is not one field's",
            },
            "message": {"type": "string"},
        },
    }
    error = {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "a stable code, e.g. `unauthorized`"},
            "message": {"type": "string", "description": "what went wrong, in words"},
            "errors": {"type": "array", "items": {"$ref": COMPONENTS + "FieldError"}},
        },
    }
    return {"FieldError": field_error, "Error": error}


def _opened_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["case_ref", "created", "stage"],
        "properties": {
            "case_ref": {"type": "string", "examples": ["LLR-RR-2026-014"]},
            "created": {"type": "boolean", "description": "false for a repeated external_ref"},
            "stage": {"type": "string", "examples": ["notified"]},
        },
    }


def _status_schema(*values: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"enum": list(values)}, "reason": {"type": "string"}},
    }


def _answer(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {JSON: {"schema": {"$ref": COMPONENTS + schema}}},
    }


def _refusal(description: str) -> dict[str, Any]:
    return _answer(description, "Error")


def _intake_operation() -> dict[str, Any]:
    return {
        "operationId": "receiveNotification",
        "summary": "Open a case from a notification (idempotent on external_ref)",
        "security": [{"bearerAuth": []}],
        "requestBody": {
            "required": True,
            "content": {JSON: {"schema": {"$ref": COMPONENTS + "Notification"}}},
        },
        "responses": {
            "201": _answer("A new case was opened.", "Opened"),
            "200": _answer("This external_ref was already notified: the same case.", "Opened"),
            "400": _refusal("The body is not valid JSON."),
            "401": {
                **_refusal("No bearer token, or the wrong one."),
                "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
            },
            "403": _refusal("The bot may not open cases (directory roles)."),
            "409": _refusal("The case changed under this request; retrying is safe."),
            "413": _refusal("The body is larger than the server accepts."),
            "415": _refusal("The body is not `application/json`."),
            "422": _refusal(
                "Every invalid field is named in `errors` (a limit exceeded, a date no case"
                " can have); or a rule refused it."
            ),
            "500": _refusal("Unexpected failure; logged. Retrying is safe."),
            "503": _refusal("Intake is not configured, or the database is unavailable."),
        },
    }


@cache
def document() -> dict[str, Any]:
    """OpenAPI 3.1; built once, from the same model that validates the requests."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("rrbot")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        release = "0"
    health = _status_schema("ok")
    ready = _status_schema("ok", "unavailable")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "rrbot",
            "version": release,
            "description": "Rapid Review bot: notification intake and health probes.",
        },
        "paths": {
            "/notifications": {"post": _intake_operation()},
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "The process is alive (no I/O)",
                    "responses": {"200": _answer("Alive.", "Health")},
                }
            },
            "/readyz": {
                "get": {
                    "operationId": "ready",
                    "summary": "The database answers and its migrations are current",
                    "description": "Probes share one check: its answer is reused for 2 seconds.",
                    "responses": {
                        "200": _answer("Ready.", "Readiness"),
                        "503": _answer(
                            "Not ready; `reason` says why, never where the database is.",
                            "Readiness",
                        ),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI 3.1 document."}},
                }
            },
        },
        "components": {
            "schemas": {
                **_notification_schemas(),
                "Opened": _opened_schema(),
                **_error_schemas(),
                "Health": health,
                "Readiness": ready,
            },
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The server's NOTIFICATION_TOKEN.",
                }
            },
        },
    }


async def serve_document(_request: Request) -> JSONResponse:
    return JSONResponse(document())
