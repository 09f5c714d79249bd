"""The anatomy every module shares: a table of its commands, queries, events, projections,
sagas, notices and mails."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, get_type_hints

import msgspec

from ossature.kernel import sensitive
from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.errors import InvalidPayload
from ossature.kernel.eventstore import PendingAppend
from ossature.kernel.mail import Mail
from ossature.kernel.messages import Event, Payload
from ossature.kernel.notice import Notice
from ossature.kernel.projection import Projection
from ossature.kernel.sagas import Saga

__all__ = [
    "AnyScope",
    "Anyone",
    "AtFolder",
    "Authorization",
    "CommandSpec",
    "Feature",
    "FeatureValue",
    "Handler",
    "Module",
    "Public",
    "QuerySpec",
    "UndeclaredEvent",
    "answer_type",
    "refuse_undeclared",
]

P = TypeVar("P", bound=Payload)
P_contra = TypeVar("P_contra", bound=Payload, contravariant=True)

Handler = Callable[[Context, P, Deps], Awaitable[Mapping[str, Any]]]
"""A command's or query's handler: the context, its typed payload, what it may use; its answer."""


@dataclass(frozen=True)
class Public:
    """No authentication needed (log-in, message catalogs)."""


@dataclass(frozen=True)
class Anyone:
    """Any authenticated actor; the handler filters what it returns by the actor's grants."""


@dataclass(frozen=True)
class AnyScope:
    """The actor holds `action` at some folder of their tenant."""

    action: str


@dataclass(frozen=True)
class AtFolder(Generic[P_contra]):
    """The actor holds `action` at the folder `folder_of` resolves from the payload."""

    action: str
    folder_of: Callable[[Context, P_contra, Deps], Awaitable[str]]


Authorization = Public | Anyone | AnyScope | AtFolder[P]

FeatureValue = bool | int | str


@dataclass(frozen=True)
class Feature:
    """A feature a product module declares: a named value per tenant (`analytics.external-sources`,
    on or off). Its plan may set it, a platform operator may set it for one tenant
    (`set-tenant-feature`); otherwise it is `default`. A command or query that names a feature
    of type bool runs only where the feature is on."""

    name: str  # "<module>.<feature>"
    default: FeatureValue


@dataclass(frozen=True)
class CommandSpec(Generic[P]):
    """A command: its wire name, payload type, handler and who may send it.

    Generic in the payload: a handler (or a folder rule) written for another payload
    type is a type error.
    """

    name: str
    payload: type[P]
    handler: Handler[P]
    authorization: Authorization[P]
    # Fields of the outcome answered but never recorded under the key (a secret such as an
    # access token): a repeat answers them from its own run of the handler (decision 35).
    unrecorded: tuple[str, ...] = ()
    # The module's feature (a bool) that must be on for the tenant, if any.
    feature: str | None = None

    def typed(self, raw: object) -> P:
        """The payload as its type (None is `{}`); InvalidPayload with the reason otherwise."""
        return typed_payload(self.payload, raw)

    @property
    def answer(self) -> Any:
        """The type of the handler's answer (a TypedDict), as its return annotation says."""
        return answer_type(self.handler)

    def recorded(self, outcome: Mapping[str, Any]) -> dict[str, Any]:
        """The part of an outcome kept under the idempotency key: all but `unrecorded`."""
        return {k: v for k, v in outcome.items() if k not in self.unrecorded}

    def repeated(self, first: Mapping[str, Any], again: Mapping[str, Any]) -> dict[str, Any]:
        """A repeat's answer: the first outcome, and the `unrecorded` fields of this run's."""
        return {**first, **{k: again[k] for k in self.unrecorded if k in again}}


@dataclass(frozen=True)
class QuerySpec(Generic[P]):
    """A query: like a command, but it never changes anything."""

    name: str
    payload: type[P]
    handler: Handler[P]
    authorization: Authorization[P]
    # The module's feature (a bool) that must be on for the tenant, if any.
    feature: str | None = None

    def typed(self, raw: object) -> P:
        """The payload as its type (None is `{}`); InvalidPayload with the reason otherwise."""
        return typed_payload(self.payload, raw)

    @property
    def answer(self) -> Any:
        """The type of the handler's answer (a TypedDict), as its return annotation says."""
        return answer_type(self.handler)


@dataclass(frozen=True)
class Module:
    """A bounded context, registered explicitly in the composition root."""

    name: str
    commands: Sequence[CommandSpec[Any]] = ()
    queries: Sequence[QuerySpec[Any]] = ()
    events: Sequence[type[Event]] = ()
    projections: Sequence[Projection] = ()
    sagas: Sequence[Saga] = ()
    notices: Sequence[Notice] = ()
    mails: Sequence[Mail] = ()
    root: Path | None = None
    # Events another module declares (and owns) that this module's commands append too:
    # identity's accept-invitation appends access's role-assigned, as assign-role does.
    appends: Sequence[type[Event]] = ()
    # A product module is sold: a tenant has it when its plan includes it (or an operator
    # enabled it), its commands are metered and count toward the plan's quota, and
    # requirements may apply to them. The platform's own modules (tenancy, identity, access,
    # audit, billing, ...) are `product=False`: always on, never metered.
    product: bool = True
    features: Sequence[Feature] = ()

    @property
    def appendable(self) -> frozenset[type[Event]]:
        """The event types this module's commands may append: its own and `appends`."""
        return frozenset(self.events) | frozenset(self.appends)

    @property
    def migrations(self) -> Path | None:
        """The folder of this module's SQL migrations, if any."""
        return self.root / "migrations" if self.root else None

    @property
    def messages(self) -> Path | None:
        """This module's message file (`messages.toml`), if it has one."""
        file = self.root / "messages.toml" if self.root else None
        return file if file is not None and file.is_file() else None


def answer_type(handler: Callable[..., Any]) -> Any:
    """The type a handler declares it answers: its return annotation, resolved (for an
    `async def`, the awaited value's type). /openapi.json publishes its schema."""
    return get_type_hints(handler)["return"]


def payload_schema(payload: type[Payload]) -> dict[str, Any]:
    """The JSON schema of a payload type (for /openapi.json)."""
    return msgspec.json.schema(payload, schema_hook=sensitive.schema_hook)


class UndeclaredEvent(Exception):
    """A command appended an event type its module's table does not declare (a bug: 500)."""


def refuse_undeclared(
    command: str, pending: Sequence[PendingAppend], declared: Collection[type[Event]]
) -> None:
    """Raise UndeclaredEvent for the first staged event whose type is not in `declared`."""
    for batch in pending:
        for event in batch.events:
            if type(event) not in declared:
                raise UndeclaredEvent(
                    f"command {command!r} appended {type(event).__name__} ({event.name!r}),"
                    " which its module's table does not list in `events`"
                )


def typed_payload(payload: type[P], raw: object) -> P:
    """`raw` (decoded JSON) converted to `payload`: unknown fields and wrong types refused."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InvalidPayload({"reason": "the payload must be a JSON object"})
    try:
        return msgspec.convert(raw, payload, dec_hook=sensitive.dec_hook)
    except (msgspec.ValidationError, RecursionError) as error:
        raise InvalidPayload({"reason": str(error)[:300]}) from error
