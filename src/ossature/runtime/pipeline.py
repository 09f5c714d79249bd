"""The invocation pipeline: validate, authorize once, run, record; the same for every handler.

Cross-cutting work (authorization, idempotency, audit, metering, logging, metrics)
wraps handlers here; handlers never call it. An invocation is answered once its audit entry
is committed: a command's with its effects, any other's by the audit writer (decision 33).
"""

from __future__ import annotations

import functools
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

import asyncpg
from opentelemetry.trace import Span, StatusCode
from prometheus_client import Histogram

from ossature.kernel import spans
from ossature.kernel.context import Context
from ossature.kernel.database import Database, InvocationDatabase, InvocationTransaction
from ossature.kernel.deps import Deps
from ossature.kernel.errors import DomainError, Internal, NotFound
from ossature.kernel.eventstore import EventStore
from ossature.kernel.group_commit import GroupCommit
from ossature.kernel.idempotency import Repeated, fingerprint
from ossature.kernel.logging import for_context
from ossature.kernel.module import CommandSpec, Module, QuerySpec, refuse_undeclared
from ossature.kernel.sensitive import sensitive_fields
from ossature.kernel.unit_of_work import UnitOfWork
from ossature.modules.access.entitlements import hold
from ossature.modules.access.requirements import Requirements
from ossature.modules.access.service import AccessService
from ossature.modules.audit.writer import AuditEntry, AuditWriter
from ossature.modules.billing.metering import meter_of, quota_refusal
from ossature.modules.identity.enforcement import refuse_restricted
from ossature.modules.identity.errors import ended
from ossature.modules.identity.projections import CREDENTIAL_ENDED, guard_of
from ossature.modules.support.kept import KeptInvocations, Retries
from ossature.modules.tenancy.perimeter import Perimeter
from ossature.modules.tenancy.subscription import Subscriptions
from ossature.runtime.application import Application

__all__ = ["Kind", "Pipeline", "Result"]

Kind = Literal["command", "query"]
INVOCATIONS = Histogram(
    "ossature_invocation_seconds",
    "Time to answer an invocation, by kind, name and status.",
    ["kind", "name", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


@dataclass(frozen=True)
class Result:
    """An invocation's answer: a status and a body, or the error that explains it;
    `repeat_of` names the invocation whose recorded outcome it repeats."""

    status: int
    body: Mapping[str, Any]
    error: DomainError | None = None
    repeat_of: str | None = None


class Pipeline:
    """Runs commands and queries by name with every cross-cutting concern applied."""

    def __init__(
        self,
        app: Application,
        db: Database,
        access: AccessService,
        audit: AuditWriter,
        services: Mapping[type, object],
    ) -> None:
        self.app, self.db, self.access, self.audit = app, db, access, audit
        self.perimeter = Perimeter(db)  # each tenant's allowed ranges (decision 54)
        self.subscriptions = Subscriptions(db, app.modules)  # modules, features (decision 71)
        # what each command asks of a person (decision 83); a wrong requirements.toml stops here
        self.requirements = Requirements.of(app.modules)
        # report-problem runs an invocation again through this door (decision 64)
        self.services = {
            **services,
            Perimeter: self.perimeter,
            Subscriptions: self.subscriptions,
            Requirements: self.requirements,
            Retries: Retries(self._retry),
        }
        self.store = EventStore(app.event_types)
        self.group = GroupCommit(db.pool, self.store)  # one-event commits, gathered
        self.on_appended: Callable[[], None] = _nothing  # after a commit that appended events

    async def invoke(self, kind: Kind, name: str, raw: Any, ctx: Context) -> Result:
        """Run one invocation; expected failures come back as a Result with an error.

        In a span of its own when spans are recorded, which its context then names."""
        if not spans.recording():
            return await self._invoke(kind, name, raw, ctx)
        label = f"{kind} {self._label(kind, name)}"
        with spans.span(label, ctx.trace, attributes=spans.invocation_attributes(ctx)) as span:
            assert span is not None
            result = await self._invoke(kind, name, raw, ctx.in_span(*spans.ids_of(span)))
            _describe(span, kind, self._label(kind, name), result)
            return result

    async def _invoke(self, kind: Kind, name: str, raw: Any, ctx: Context) -> Result:
        started = time.perf_counter()
        transaction = _invocation_transaction(self.db, ctx, kind)
        deps = self._deps(ctx, InvocationDatabase(self.db.pool, transaction))
        try:
            result = await self._run(kind, name, raw, ctx, deps, transaction)
            if deps.uow.committed:
                self.on_appended()
        except DomainError as error:
            result = Result(error.status, {}, error)
        except Exception:
            deps.log.exception("invocation.failed", kind=kind, name=name[:100])
            result = Result(500, {}, Internal())
        if result.status >= 500:
            await self._keep(kind, name, raw, ctx, result.status)
        await self._record(kind, name, ctx, deps, result, started)
        return result

    async def _keep(self, kind: Kind, name: str, raw: Any, ctx: Context, status: int) -> None:
        """Keep an actor's invocation answered 5xx, so that a report may retry it: its payload
        sealed, or none when its payload has secret or personal fields (decision 64: a person's
        data kept under the support key would outlive a forgetting). Best effort: a
        failure to keep it (the database away) is logged, and the answer stands."""
        kept = self.services.get(KeptInvocations)
        table = self.app.commands if kind == "command" else self.app.queries
        spec = table.get(name)
        if not isinstance(kept, KeptInvocations) or spec is None or ctx.access is None:
            return
        payload = None if sensitive_fields(spec.payload) else raw
        try:
            await kept.keep(self.db, ctx, kind, name, status, payload)
        except Exception:
            for_context(ctx).exception("invocation.not-kept", kind=kind, name=name)

    async def _retry(self, kind: str, name: str, raw: Any, ctx: Context) -> tuple[int, str | None]:
        """An invocation run again (report-problem's retry): its status and message key."""
        assert kind in ("command", "query")
        result = await self.invoke("command" if kind == "command" else "query", name, raw, ctx)
        return result.status, result.error.key if result.error else None

    async def _run(
        self,
        kind: Kind,
        name: str,
        raw: Any,
        ctx: Context,
        deps: Deps,
        transaction: InvocationTransaction,
    ) -> Result:
        """Admit, validate, then everything else in the invocation's one transaction."""
        entry = await self.perimeter.entry(ctx)  # another tenant's: 403, unknown: 404
        if entry is not None:  # a public command reads the tenant of the request there
            ctx = ctx.at_entry(entry)
        if ctx.tenant_id is not None:  # outside the tenant's ranges: 403 before anything
            await self.perimeter.admit(ctx, ctx.tenant_id)
        spec = self._spec(kind, name)
        payload = spec.typed(raw)
        if ctx.access is not None and ctx.access.restricted_to is not None:
            refuse_restricted(ctx.access.restricted_to, name, spec.authorization)
        if ctx.tenant_id is not None:  # a product module the tenant lacks, a feature off: 403
            await self.subscriptions.admit(ctx.tenant_id, self._module(kind, name), spec.feature)
        try:
            async with _ended(ctx, transaction):
                folder = await self.access.on(deps.db).authorize(
                    ctx, spec.authorization, payload, deps
                )
                if kind == "query":
                    with spans.span(f"handle {name}", ctx.trace):
                        return Result(200, await spec.handler(ctx, payload, deps))
                await hold(self.requirements, ctx, name, deps)  # a person's entitlements
                deps.uow.meter = meter_of(self.app.module_of_command[name], folder)
                return Result(200, await self._command(spec, name, payload, ctx, deps))
        except Repeated as repeat:  # rolled back: the first outcome is the answer
            return Result(200, repeat.outcome, repeat_of=repeat.record.invocation_id)

    async def _command(
        self,
        spec: CommandSpec[Any] | QuerySpec[Any],
        name: str,
        payload: Any,
        ctx: Context,
        deps: Deps,
    ) -> dict[str, Any]:
        """Run the handler and commit; a repeated key answers with the first outcome.

        The key is looked up only when the handler refuses: a repeat of a command that
        succeeded may now be refused (the project it renamed has moved on), unless the
        first outcome cannot answer without this run (`unrecorded` fields). Otherwise the
        commit finds the repeat, in the same round trip as the append. Either way the key
        sent with another payload is refused (the payload's fingerprint, decision 34).
        """
        assert isinstance(spec, CommandSpec)
        signed = fingerprint(payload)
        try:
            with spans.span(f"handle {name}", ctx.trace):
                outcome = dict(await spec.handler(ctx, payload, deps))
        except DomainError:
            recorded = await deps.uow.recorded(name, signed)
            if recorded is None or spec.unrecorded:
                raise
            raise Repeated(recorded) from None
        refuse_undeclared(name, deps.uow.pending, self.app.declared_by[name])
        inline = self.app.inline_projections
        try:
            await deps.uow.commit(name, spec.recorded(outcome), deps.now, inline, signed)
        except Repeated as repeat:
            answer = spec.repeated(repeat.outcome, outcome)
            raise Repeated(replace(repeat.record, outcome=answer)) from None
        return outcome

    def _spec(self, kind: Kind, name: str) -> CommandSpec[Any] | QuerySpec[Any]:
        table: Mapping[str, CommandSpec[Any] | QuerySpec[Any]] = (
            self.app.commands if kind == "command" else self.app.queries
        )
        if name not in table:
            raise NotFound({"name": name[:100]}, key=f"errors.unknown-{kind}")
        return table[name]

    def _module(self, kind: Kind, name: str) -> Module:
        table = self.app.module_of_command if kind == "command" else self.app.module_of_query
        return table[name]

    def _deps(self, ctx: Context, db: Database) -> Deps:
        """What the invocation's handler gets: a fresh unit of work on `db` (the invocation's
        transaction, begun at its first use), the clock read once."""
        uow = UnitOfWork(db, self.store, ctx, group=self.group)
        return Deps(
            db,
            self.store,
            uow,
            datetime.now(UTC),
            for_context(ctx),
            self.access.on(db),
            self.services,
        )

    def refused(self, ctx: Context, path: str, error: DomainError) -> None:
        """Log a request refused before it had a context (a bad token or header): it belongs
        to no tenant, so its entry is a log line, not a row."""
        kind: Kind = "command" if path.startswith("/commands") else "query"
        label = self._label(kind, path.rsplit("/", 1)[-1])
        entry = AuditEntry(
            ctx,
            None,
            kind,
            label,
            _outcome(error.status),
            error.status,
            error.key,
            datetime.now(UTC),
        )
        self.audit.log_only(entry)
        _observed(kind, label, error.status).observe(0.0)

    async def refuse(self, kind: Kind, name: str, ctx: Context, error: DomainError) -> Result:
        """Answer an invocation refused before it ran (a malformed body, a batch item's key),
        its context known: recorded as any answer."""
        deps = self._deps(ctx, self.db)
        result = Result(error.status, {}, error)
        await self._record(kind, name, ctx, deps, result, time.perf_counter())
        return result

    def _label(self, kind: Kind, name: str) -> str:
        known = name in (self.app.commands if kind == "command" else self.app.queries)
        return name if known else "unknown"

    async def _record(
        self, kind: Kind, name: str, ctx: Context, deps: Deps, result: Result, started: float
    ) -> None:
        """Log, then wait for the audit entry to be committed (unless the commit wrote it:
        a command that ran and answered 200), then observe the whole time."""
        label = self._label(kind, name)
        outcome = "allowed" if result.error is None else _outcome(result.status)
        key = result.error.key if result.error else None
        tenant_id = ctx.tenant_id or deps.uow.tenant_id
        named = None if ctx.access or tenant_id is None else getattr(deps.uow, "actor_id", None)
        entry = AuditEntry(
            ctx,
            tenant_id,
            kind,
            label,
            outcome,
            result.status,
            key,
            deps.now,
            result.repeat_of,
            named,  # a public command's refusal: whom it named (log-in's account or email hash)
        )
        committed = kind == "command" and result.status == 200 and result.repeat_of is None
        if not committed:
            await self.audit.write(entry)
        elapsed = time.perf_counter() - started
        _observed(kind, label, result.status).observe(elapsed)
        deps.log.info(
            "invocation",
            kind=kind,
            name=label,
            status=result.status,
            outcome=outcome,
            message_key=key,
            duration_ms=round(elapsed * 1000, 2),
            repeat_of=result.repeat_of,
            **_named(ctx, tenant_id, named),
        )


@functools.lru_cache(maxsize=4096)  # kinds, names and statuses are few
def _observed(kind: Kind, label: str, status: int) -> Any:
    """The histogram's series for one kind, name and status: `labels` looks it up under a
    lock and checks its labels each time, 1.3 us of an invocation's."""
    return INVOCATIONS.labels(kind, label, str(status))


def _invocation_transaction(db: Database, ctx: Context, kind: Kind) -> InvocationTransaction:
    """The invocation's transaction, begun at its first use; its credential is checked in it."""
    guard = guard_of(ctx.access)
    return InvocationTransaction(db.pool, ctx.tenant_id, readonly=kind == "query", guard=guard)


@asynccontextmanager
async def _ended(ctx: Context, transaction: InvocationTransaction) -> AsyncIterator[None]:
    """COMMIT after the block, ROLLBACK on its exception; the credential's refusal for one
    that ended (from BEGIN, from a statement run alone, or from the guard at the end)."""
    try:
        try:
            yield
        except BaseException:
            await transaction.end(failed=True)
            raise
        await transaction.end(failed=False)
    except asyncpg.PostgresError as error:
        if getattr(error, "sqlstate", None) == CREDENTIAL_ENDED:
            raise ended(ctx.access) from None
        refused = quota_refusal(error)  # the commit's meter: the tenant used its quota
        if refused is not None:
            raise refused from None
        raise


def _named(ctx: Context, tenant_id: str | None, named: str | None) -> dict[str, str | None]:
    """What a public invocation's line adds, having no actor: the tenant and the subject it
    named (log-in's account, or the keyed hash of an unknown email) and the client's address,
    so that a refused log-in is attributable from the log as from the audit."""
    if ctx.access is not None:
        return {}
    return {"tenant_id": tenant_id, "actor_id": named, "client_ip": ctx.provenance.client_ip}


def _describe(span: Span, kind: Kind, name: str, result: Result) -> None:
    """What a pipeline's span says of its invocation once answered."""
    span.set_attribute(f"ossature.{kind}", name)
    span.set_attribute("ossature.status", result.status)
    span.set_attribute(
        "ossature.outcome", "allowed" if result.error is None else _outcome(result.status)
    )
    if result.error is not None:
        span.set_attribute("ossature.message_key", result.error.key)
    if result.repeat_of is not None:
        span.set_attribute("ossature.repeat_of", result.repeat_of)
    if result.status >= 500:
        span.set_status(StatusCode.ERROR)


def _nothing() -> None:
    return None


def _outcome(status: int) -> str:
    return {401: "unauthenticated", 403: "denied"}.get(status, "failed")
