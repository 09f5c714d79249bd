"""The values the client sends and returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from ulid import ULID

from ossature.sdk._errors import OssatureError, error_from_problem

__all__ = [
    "CallOptions",
    "Invocation",
    "Json",
    "Kind",
    "Outcome",
    "Session",
    "Toggles",
    "new_ulid",
]

Json = dict[str, Any]
Kind = Literal["commands", "queries"]
Toggles = Mapping[str, str] | str


def new_ulid() -> str:
    """A new ULID string: use one per invocation (idempotency key) or per user action."""
    return str(ULID())


@dataclass(frozen=True)
class Session:
    """A logged-in session; `expires_at` as the server sent it. `refresh_token` renews the
    access token (refresh-session) until `refreshable_until`, which each renewal moves on."""

    access_token: str
    expires_at: str | int
    session_id: str
    refresh_token: str | None = None
    refreshable_until: int | None = None

    @classmethod
    def from_answer(cls, answer: Json) -> Session:
        """The session a log-in, complete-log-in or refresh-session answers."""
        return cls(
            answer["accessToken"],
            answer["expiresAt"],
            answer["sessionId"],
            answer.get("refreshToken"),
            answer.get("refreshableUntil"),
        )


@dataclass(frozen=True)
class Invocation:
    """One entry of a batch; the client gives it an idempotency key when it has none."""

    name: str
    payload: Json = field(default_factory=dict)
    idempotency_key: str | None = None

    def to_wire(self) -> Json:
        key = self.idempotency_key or new_ulid()
        return {"name": self.name, "payload": self.payload, "idempotencyKey": key}


@dataclass(frozen=True)
class Outcome:
    """One batch answer: the status the invocation would have had alone, its body and id."""

    status: int
    body: Json
    invocation_id: str | None = None

    @classmethod
    def from_wire(cls, outcome: Json) -> Outcome:
        return cls(
            int(outcome["status"]), dict(outcome.get("body") or {}), outcome.get("invocationId")
        )

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error(self) -> OssatureError | None:
        return None if self.ok else error_from_problem(self.status, self.body, self.invocation_id)


class CallOptions(TypedDict, total=False):
    """Per-call options: the invocation's key, the user action it belongs to, toggles, retries."""

    idempotency_key: str
    client_action_id: str
    toggles: Toggles
    retries: int
