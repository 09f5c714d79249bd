"""The fixed parts of /openapi.json: problems, headers, and the paths that are not RPC."""

from __future__ import annotations

from typing import Any

__all__ = ["HEADERS", "OTHER_PATHS", "PROBLEM_SCHEMA", "ULID_PATTERN", "problem_responses"]

ULID_PATTERN = "^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$"
_REF = "#/components/schemas/"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A problem (RFC 9457): a message key and its parameters, never a sentence",
    "required": ["type", "title", "status", "messageKey", "messageParams", "invocationId"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string", "description": "The key rendered in Content-Language"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "messageKey": {"type": "string", "minLength": 1},
        "messageParams": {"type": "object"},
        "invocationId": {"type": "string"},
        "retryable": {"type": "boolean", "description": "A retry with the same key may succeed"},
    },
}
_PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": f"{_REF}Problem"}}}
_WHY = {
    401: "No valid access token (or its session ended)",
    403: "The actor may not do this",
    404: "No such command, query or entity (another tenant's is never found)",
    409: "The entity's state refuses it",
    413: "The body is over 1 MiB",
    415: "The body is not sent as application/json",
    422: "The body or a header is malformed, or the payload is not valid",
    428: "A command without an Idempotency-Key, where one is required",
    503: "An engine is unavailable for a moment: retry",
}


def problem_responses(*statuses: int) -> dict[str, Any]:
    """Problem answers for `statuses`, and `default`: any other status is a problem too."""
    answers = {str(s): {"description": _WHY[s], "content": _PROBLEM_CONTENT} for s in statuses}
    return {**answers, "default": {"description": "A problem", "content": _PROBLEM_CONTENT}}


def _header(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "description": description,
        "schema": {"type": "string", **schema},
    }


HEADERS = {
    "IdempotencyKey": _header(
        "Idempotency-Key", "A ULID: a retry with it answers the first outcome", pattern=ULID_PATTERN
    ),
    "ClientActionId": _header(
        "X-Client-Action-Id", "A ULID grouping one user action", pattern=ULID_PATTERN
    ),
    "Traceparent": _header("traceparent", "W3C trace context; a malformed one is ignored"),
    "Toggles": _header("X-Toggles", "Per-invocation toggles, e.g. log.level=debug"),
    "AcceptLanguage": _header("Accept-Language", "The locale of problem titles (en, fr, ar)"),
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _object(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": sorted(properties), "properties": properties}


_STRING, _NULLABLE = {"type": "string"}, {"type": ["string", "null"]}
_JWK = _object(kty=_STRING, crv=_STRING, x=_STRING, kid=_STRING, alg=_STRING, use=_STRING)
_MQTT = {
    "type": "object",
    "required": ["url", "websocketUrl"],
    "properties": {"url": _NULLABLE, "websocketUrl": _NULLABLE},
}
_DATE = {"type": "string", "format": "date"}


def _get(summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"get": {"summary": summary, "security": [], "responses": responses, **extra}}


OTHER_PATHS: dict[str, Any] = {
    "/health/live": _get(
        "The process answers", {"200": _json(_object(status={"const": "live"}), "Live")}
    ),
    "/health/ready": _get(
        "The engines answer",
        {
            "200": _json(_object(status={"const": "ready"}), "Ready"),
            "503": _json(_object(status={"const": "unavailable"}), "Not ready"),
        },
    ),
    "/.well-known/jwks.json": _get(
        "The public keys that verify access tokens",
        {"200": _json(_object(keys={"type": "array", "items": _JWK}), "A JWK set")},
    ),
    "/.well-known/ossature-configuration": _get(
        "Where a client finds the keys and server push",
        {
            "200": _json(
                _object(issuer=_STRING, apiUrl=_STRING, jwksUri=_STRING, mqtt=_MQTT),
                "The discovery document",
            )
        },
    ),
    "/metrics": _get(
        "Prometheus metrics",
        {"200": {"description": "Text exposition", "content": {"text/plain": {"schema": _STRING}}}},
    ),
    "/openapi.json": _get("This document", {"200": _json({"type": "object"}, "OpenAPI 3.1")}),
}
