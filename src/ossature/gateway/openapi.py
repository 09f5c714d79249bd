"""/openapi.json, generated from the module table: every command and query with its schema."""

from __future__ import annotations

from typing import Any

import msgspec

from ossature.runtime.application import Application

__all__ = ["openapi"]

_PLURAL = {"command": "commands", "query": "queries"}
_PROBLEM = {
    "description": "A problem (RFC 9457) with messageKey, messageParams, invocationId, retryable",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
_PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "status", "messageKey", "messageParams", "invocationId", "retryable"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "messageKey": {"type": "string"},
        "messageParams": {"type": "object"},
        "invocationId": {"type": "string"},
        "retryable": {"type": "boolean"},
    },
}


def _operation(kind: str, name: str, ref: dict[str, Any], public: bool) -> dict[str, Any]:
    return {
        "operationId": f"{kind}-{name}",
        "tags": [f"{kind}s"],
        "security": [] if public else [{"bearer": []}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref}}},
        "responses": {
            "200": {
                "description": "The outcome",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            **{str(code): _PROBLEM for code in (401, 403, 404, 409, 413, 422)},
        },
    }


def openapi(app: Application) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the RPC surface."""
    specs = [("command", s) for s in app.commands.values()] + [
        ("query", s) for s in app.queries.values()
    ]
    refs, components = msgspec.json.schema_components(
        [spec.payload for _, spec in specs], ref_template="#/components/schemas/{name}"
    )
    paths = {
        f"/{_PLURAL[kind]}/{spec.name}": {
            "post": _operation(kind, spec.name, ref, type(spec.authorization).__name__ == "Public")
        }
        for (kind, spec), ref in zip(specs, refs, strict=True)
    }
    components["Problem"] = _PROBLEM_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {"title": "Ossature", "version": "0.1.0"},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
