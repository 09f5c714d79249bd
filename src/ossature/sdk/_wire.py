"""The HTTP form of a call: the headers it sends, and the JSON it reads back."""

from __future__ import annotations

import httpx

from ossature.sdk._errors import error_from_problem
from ossature.sdk._types import CallOptions, Json, Toggles

__all__ = ["call_headers", "decoded", "json_object"]


def call_headers(token: str | None, locale: str | None, options: CallOptions) -> dict[str, str]:
    """The headers carrying who calls, in which locale, and the call's ids and toggles."""
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if locale:
        headers["Accept-Language"] = locale
    if "idempotency_key" in options:
        headers["Idempotency-Key"] = options["idempotency_key"]
    if "client_action_id" in options:
        headers["X-Client-Action-Id"] = options["client_action_id"]
    if "toggles" in options:
        headers["X-Toggles"] = _toggles(options["toggles"])
    return headers


def decoded(response: httpx.Response) -> object:
    """The answer's JSON body, or None when it has none."""
    try:
        return response.json()
    except ValueError:
        return None


def json_object(response: httpx.Response) -> Json:
    """The answer's body as a JSON object; an error when it is anything else."""
    body = decoded(response)
    if not isinstance(body, dict):
        raise error_from_problem(
            response.status_code, None, response.headers.get("X-Invocation-Id")
        )
    return body


def _toggles(toggles: Toggles) -> str:
    if isinstance(toggles, str):
        return toggles
    return ",".join(f"{name}={value}" for name, value in toggles.items())
