"""/openapi.json, generated from the module table: every path, each payload and each answer.

A command's or query's answer schema is its handler's declared answer type
(`CommandSpec.answer`, a TypedDict beside the handler, or a union of them: log-in's);
payloads are their msgspec structs. The other paths and the problem schema are in `_openapi_parts.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import UnionType
from typing import Any, Union, get_args, get_origin

import msgspec

from ossature.gateway._openapi_parts import (
    HEADERS,
    OTHER_PATHS,
    PROBLEM_SCHEMA,
    ULID_PATTERN,
    problem_responses,
)
from ossature.kernel import sensitive
from ossature.kernel.module import CommandSpec, QuerySpec
from ossature.runtime.application import Application

__all__ = ["openapi"]

_PLURAL = {"command": "commands", "query": "queries"}
_REF = "#/components/schemas/"
_COMMON_HEADERS = ["ClientActionId", "Traceparent", "Toggles", "AcceptLanguage"]
Spec = CommandSpec[Any] | QuerySpec[Any]


def _parameters(kind: str) -> list[dict[str, str]]:
    names = ["IdempotencyKey", *_COMMON_HEADERS] if kind == "command" else _COMMON_HEADERS
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


def _statuses(kind: str) -> tuple[int, ...]:
    both = (401, 403, 404, 409, 413, 415, 422)
    return (*both, 428, 503) if kind == "command" else (*both, 503)


def _operation(kind: str, spec: Spec, payload: Any, answer: Any) -> dict[str, Any]:
    public = type(spec.authorization).__name__ == "Public"
    return {
        "operationId": f"{kind}-{spec.name}",
        "tags": [_PLURAL[kind]],
        "security": [] if public else [{"bearer": []}],
        "parameters": _parameters(kind),
        "requestBody": {
            "required": False,
            "description": "The payload; an empty body is {}",
            "content": {"application/json": {"schema": payload}},
        },
        "responses": {
            "200": {
                "description": "The answer",
                "content": {"application/json": {"schema": answer}},
            },
            **problem_responses(*_statuses(kind)),
        },
    }


def _batch(kind: str, specs: list[Spec], answers: list[Any]) -> dict[str, Any]:
    """`POST /commands` or `/queries`: invocations in, one outcome each out, in order."""
    item = {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "name": {"enum": [spec.name for spec in specs]},
            "payload": {"type": ["object", "null"]},
            "idempotencyKey": {"type": "string", "pattern": ULID_PATTERN},
        },
    }
    request = {
        "type": "object",
        "required": ["invocations"],
        "additionalProperties": False,
        "properties": {"invocations": {"type": "array", "items": item, "maxItems": 100}},
    }
    body = {"anyOf": [*_unique(answers), {"$ref": f"{_REF}Problem"}]}
    outcome = {
        "type": "object",
        "required": ["status", "invocationId", "body"],
        "properties": {
            "status": {"type": "integer"},
            "invocationId": {"type": "string"},
            "body": body,
        },
    }
    answer = {
        "type": "object",
        "required": ["outcomes"],
        "properties": {"outcomes": {"type": "array", "items": outcome}},
    }
    return {
        "operationId": f"{kind}-batch",
        "tags": [_PLURAL[kind]],
        "security": [{}, {"bearer": []}],
        "parameters": _parameters("query"),
        "requestBody": {"required": True, "content": {"application/json": {"schema": request}}},
        "responses": {
            "200": {
                "description": "One outcome per invocation, each with its status",
                "content": {"application/json": {"schema": answer}},
            },
            **problem_responses(401, 413, 415, 422, 503),
        },
    }


def _unique(refs: list[Any]) -> list[Any]:
    return [ref for n, ref in enumerate(refs) if ref not in refs[:n]]


def _members(answer: Any) -> tuple[Any, ...]:
    """The TypedDicts of an answer: itself, or each member of a union (msgspec describes a
    union of TypedDicts only member by member)."""
    return get_args(answer) if get_origin(answer) in (Union, UnionType) else (answer,)


def _regrouped(refs: Sequence[Any], members: list[tuple[Any, ...]]) -> list[Any]:
    """One schema per answer: a member's own, or `anyOf` the members of a union."""
    grouped, at = [], 0
    for of in members:
        own = refs[at : at + len(of)]
        grouped.append(own[0] if len(of) == 1 else {"anyOf": list(own)})
        at += len(of)
    return grouped


def openapi(app: Application) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the whole HTTP surface."""
    by_kind: dict[str, list[Spec]] = {
        "command": list(app.commands.values()),
        "query": list(app.queries.values()),
    }
    specs = [(kind, spec) for kind, of_kind in by_kind.items() for spec in of_kind]
    members = [_members(spec.answer) for _, spec in specs]
    types = [spec.payload for _, spec in specs] + [one for of in members for one in of]
    refs, components = msgspec.json.schema_components(
        types, ref_template=_REF + "{name}", schema_hook=sensitive.schema_hook
    )
    payloads, answers = refs[: len(specs)], _regrouped(refs[len(specs) :], members)
    paths: dict[str, Any] = {}
    for (kind, spec), payload, answer in zip(specs, payloads, answers, strict=True):
        paths[f"/{_PLURAL[kind]}/{spec.name}"] = {"post": _operation(kind, spec, payload, answer)}
    for kind, of_kind in by_kind.items():
        kind_answers = [a for (k, _), a in zip(specs, answers, strict=True) if k == kind]
        paths[f"/{_PLURAL[kind]}"] = {"post": _batch(kind, of_kind, kind_answers)}
    components["Problem"] = PROBLEM_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {"title": "Ossature", "version": "0.1.0"},
        "paths": {**paths, **OTHER_PATHS},
        "components": {
            "schemas": components,
            "parameters": HEADERS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
