"""The invocation context: who acts, from where, in which trace, with which toggles.

An immutable value passed explicitly as the first argument of every handler,
embedded in every event envelope and bound to every log line.
"""

from __future__ import annotations

import base64
from typing import Literal

import msgspec

from ossature.kernel.ids import new_id

__all__ = [
    "Actor",
    "Context",
    "Grant",
    "Provenance",
    "Trace",
    "UserAgent",
    "decode_context",
    "encode_context",
]


class Grant(msgspec.Struct, frozen=True, rename="camel"):
    """A role held at a folder scope, inherited down the folder tree."""

    role: str
    folder_id: str


class Actor(msgspec.Struct, frozen=True, rename="camel", kw_only=True):
    """An authenticated principal and the grants snapshot taken when the invocation began."""

    account_id: str
    kind: Literal["user", "service"]
    tenant_id: str
    locale: str = "en"
    mechanism: Literal["session", "personal-access-token", "api-key", "internal"]
    session_id: str | None = None
    credential_id: str | None = None
    on_behalf_of: str | None = None
    grants: tuple[Grant, ...] = ()
    # What the credential is limited to, when it is: "mfa-enrollment" for a session of an
    # account that must enroll a second factor before anything else (identity, decision 52).
    restricted_to: str | None = None


class UserAgent(msgspec.Struct, frozen=True, rename="camel", kw_only=True):
    """A parsed User-Agent header."""

    raw: str = ""
    browser: str | None = None
    browser_version: str | None = None
    os: str | None = None
    device: str | None = None


class Provenance(msgspec.Struct, frozen=True, rename="camel", kw_only=True):
    """Where the invocation came from."""

    client_ip: str | None = None
    user_agent: UserAgent = UserAgent()
    entry_point: str | None = None  # the tenant slug of the host it reached (<slug>.<root>)
    entry_tenant_id: str | None = None  # that tenant's id, once the pipeline resolved the slug


class Trace(msgspec.Struct, frozen=True, rename="camel", kw_only=True, omit_defaults=True):
    """The five ids that tie an invocation to its client action and its causes, and the
    span it is in when spans are recorded (decision 102)."""

    client_action_id: str
    external_invocation_id: str
    originating_trace_id: str
    parent_invocation_id: str | None
    invocation_id: str
    # The OpenTelemetry span this trace was last in (16 hex digits): the gateway's request,
    # the commit that stored an event. None when no span was recorded, and in contexts
    # stored before spans were (they still decode).
    span_id: str | None = None

    @property
    def traceparent(self) -> str:
        """The W3C traceparent header carrying this trace: its span, or, when none was
        recorded, a span id made from the invocation id."""
        span = self.span_id or self.invocation_id.encode().hex()[-16:]
        return f"00-{self.originating_trace_id}-{span}-01"


class Context(msgspec.Struct, frozen=True, rename="camel", kw_only=True):
    """The invocation context. `access` is None when the caller is unauthenticated."""

    access: Actor | None
    provenance: Provenance = Provenance()
    trace: Trace
    toggles: dict[str, str] = {}

    @property
    def tenant_id(self) -> str | None:
        """The tenant of the actor, or None when unauthenticated."""
        return self.access.tenant_id if self.access else None

    def toggle(self, key: str, default: str | None = None) -> str | None:
        """The value of toggle `key` for this invocation."""
        return self.toggles.get(key, default)

    def fork(self) -> Context:
        """A child context: a new invocation id whose parent is this one."""
        trace = msgspec.structs.replace(
            self.trace,
            parent_invocation_id=self.trace.invocation_id,
            invocation_id=new_id(),
        )
        return msgspec.structs.replace(self, trace=trace)

    def in_span(self, trace_id: str, span_id: str) -> Context:
        """The same context, in span `span_id` of trace `trace_id` (32 and 16 hex digits)."""
        trace = msgspec.structs.replace(self.trace, originating_trace_id=trace_id, span_id=span_id)
        return msgspec.structs.replace(self, trace=trace)

    def at_entry(self, tenant_id: str) -> Context:
        """The same context, its entry point resolved to `tenant_id`."""
        provenance = msgspec.structs.replace(self.provenance, entry_tenant_id=tenant_id)
        return msgspec.structs.replace(self, provenance=provenance)

    def acting_as(self, actor: Actor | None) -> Context:
        """The same context with another access."""
        return msgspec.structs.replace(self, access=actor)

    def log_fields(self) -> dict[str, str | None]:
        """The ids bound to every log line of this invocation."""
        actor = self.access
        fields = {
            "invocation_id": self.trace.invocation_id,
            "parent_invocation_id": self.trace.parent_invocation_id,
            "external_invocation_id": self.trace.external_invocation_id,
            "client_action_id": self.trace.client_action_id,
            "trace_id": self.trace.originating_trace_id,
            "tenant_id": actor.tenant_id if actor else None,
            "actor_id": actor.account_id if actor else None,
            "mechanism": actor.mechanism if actor else None,
            # the session's, token's or key's id ("credential" would be masked as a secret)
            "auth_id": actor.credential_id if actor else None,
        }
        if actor is not None and actor.on_behalf_of is not None:  # an impersonation's operator
            fields["on_behalf_of"] = actor.on_behalf_of
        return fields


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Context)


def encode_context(ctx: Context) -> str:
    """The context as base64 JSON, for the X-Invocation-Context header or a NATS header."""
    return base64.b64encode(_encoder.encode(ctx)).decode()


def decode_context(value: str) -> Context:
    """The context carried by `encode_context`; raises msgspec.ValidationError when malformed."""
    return _decoder.decode(base64.b64decode(value, validate=True))
