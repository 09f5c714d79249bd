"""The running system: engines connected, migrations applied, the roles' work started.

The gateway serves HTTP on top of it (`gateway.app.gateway_of`); the system knows no HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Awaitable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import asyncpg

from ossature.engines.nats_auth import service_options
from ossature.kernel.config import Settings
from ossature.kernel.consumers import ProjectionRunner
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore
from ossature.kernel.i18n import Catalogs
from ossature.kernel.keys import PersonalKeys
from ossature.kernel.logging import get_logger
from ossature.kernel.reconnect import connect_reconnecting
from ossature.kernel.relay import Relay, RelayWaker, ensure_event_stream
from ossature.kernel.sagas import SagaRunner
from ossature.kernel.sealing import Sealer
from ossature.modules.access._decide import AccessPolicy
from ossature.modules.access.service import AccessService
from ossature.modules.analytics.service import LoginSources
from ossature.modules.audit.writer import AuditWriter
from ossature.modules.billing.projections import open_missing_cycles
from ossature.modules.identity._legacy import seal_legacy
from ossature.modules.identity._one_time import OneTimeTokens
from ossature.modules.identity._passwords import PasswordHasher
from ossature.modules.identity._throttle import Rules
from ossature.modules.identity._totp import MfaKeys
from ossature.modules.identity.service import IdentityService
from ossature.modules.notifications.stream import ensure_notification_stream
from ossature.modules.support.kept import KeptInvocations
from ossature.modules.tenancy.regions import Regions
from ossature.runtime.application import Application
from ossature.runtime.cluster import once_formed
from ossature.runtime.endpoints import Endpoints
from ossature.runtime.mail import mail_runner
from ossature.runtime.master_key import master_key_of
from ossature.runtime.migrate import check_current, database_url_for, ensure_database, migrate
from ossature.runtime.pipeline import Pipeline
from ossature.runtime.push import auth_callout, kicker_of, notifier_of
from ossature.runtime.remote import CommandServer
from ossature.runtime.scheduler import Scheduler
from ossature.runtime.secrets import Secrets, load_secrets
from ossature.runtime.serving import app_pool
from ossature.runtime.tracing import start_tracing, stop_tracing

__all__ = ["ONE_PROCESS", "ROLES", "Role", "System"]

Role = Literal["gateway", "worker", "scheduler", "commands"]
ROLES: tuple[Role, ...] = ("gateway", "worker", "scheduler", "commands")
# `up`: the gateway runs every command itself, so no commands role (decision 109)
ONE_PROCESS: tuple[Role, ...] = ("gateway", "worker", "scheduler")

_log = get_logger("ossature.system")

# The background pools read in batches from tables that grow fast. A prepared statement's
# generic plan, made while the events table was small, stays in use until the next
# ANALYZE; planning each statement for its parameters and the table's size at the time
# costs a fraction of a batch.
_BATCH_READER = {"plan_cache_mode": "force_custom_plan"}
# The store reader's pool reads events in global order only, for which walking the order
# index and stopping at the limit is always the right road. Statistics older than a burst
# (how many events follow a cursor, of which types) lead the planner to read every event
# after the cursor and sort them instead, which makes each read cost the backlog's size.
# A sort still needed (of a page, say) then carries the cost that disables it, which
# would make PostgreSQL compile the statement (JIT) on every call: JIT is off.
_STORE_READER = {**_BATCH_READER, "enable_sort": "off", "jit": "off"}


@dataclass
class System:
    """Ossature's roles in one process: all of them for `up`, one each for `serve ROLE`.

    - gateway: the pipeline, the audit writer, the NATS auth callout (HTTP on top: the
      gateway package);
    - worker: the relay, the projection runners, the saga runners, the notifier, the mail
      sink and the kicker;
    - scheduler: the scheduled work (login extracts, billing cycles, sagas' timeouts);
    - commands: the pipeline and the audit writer answering commands sent over NATS by
      gateways (those of `command_modules`, none: every module's), serving no HTTP.
    """

    settings: Settings
    endpoints: Endpoints
    app: Application = field(default_factory=Application.of)
    secrets: Secrets | None = None
    db: Database | None = None
    relay_db: Database | None = None
    worker_db: Database | None = None
    scheduler_db: Database | None = None
    nc: Any = None
    pipeline: Pipeline | None = None
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    audit: AuditWriter | None = None
    notifier: Any = None
    mailer: Any = None
    tracing: Any = None  # the tracer provider, when spans are exported (runtime/tracing.py)
    command_modules: tuple[str, ...] = ()  # the commands role's modules; none: all

    async def start(self, roles: Collection[Role] = ONE_PROCESS) -> None:
        """Connect, migrate and start the background work of `roles` (none: tools like rebuild)."""
        if roles:
            self.tracing = start_tracing(roles)
        self.secrets = load_secrets(self.settings.secrets_dir, self.settings.demo_password)
        owner_url = await self._database()
        if self.settings.migrate:
            await migrate(owner_url, self.app.migration_folders(), self.secrets.database_roles)
        else:  # a deployment's migrations Job is their one writer (docs/deployment.md)
            await check_current(owner_url, self.app.migration_folders())
        await _open_missing_cycles(owner_url)
        self.owner_url = owner_url
        self.db = await app_pool(self._url_of("ossature_app"), wakes_relay=True)  # see _start_roles
        if "worker" in roles:
            # The workers' writes (read models, the notifier's cursor) have connections of
            # their own: a request never waits for a connection a worker holds through a batch.
            self.worker_db = await Database.connect(
                self._url_of("ossature_worker"),
                min_size=1,
                max_size=2 + len(self.app.async_projections),  # the notifier, the mail sink
                stateless=True,
                settings=_BATCH_READER,
            )
        if "scheduler" in roles:  # reads every tenant's due extracts: a role of its own
            self.scheduler_db = await Database.connect(
                self._url_of("ossature_scheduler"), min_size=1, max_size=1, stateless=True
            )
        self.relay_db = await Database.connect(
            self._url_of("ossature_relay"),
            min_size=1,
            max_size=3 + len(self.app.async_projections),  # LISTEN, the relay, the mail sink,
            # each projection
            settings=_STORE_READER,
        )
        self.nc = await connect_reconnecting(
            "ossature", self.endpoints.nats_url, service_options(self.endpoints.nats)
        )
        js, replicas = self.nc.jetstream(), self.endpoints.nats_replicas
        await once_formed(lambda: ensure_event_stream(js, replicas=replicas))
        await once_formed(lambda: ensure_notification_stream(js, replicas=replicas))
        self.pipeline = self._pipeline(self.db, self.secrets)
        await _seal_legacy(owner_url, self.app, self.pipeline.services)
        self._start_roles(set(roles))

    def _url_of(self, role: str) -> str:
        assert self.secrets is not None
        return database_url_for(self.owner_url, role, self.secrets.database_roles[role])

    async def _database(self) -> str:
        if self.endpoints.create_database is None:
            return self.endpoints.owner_database_url
        return await ensure_database(
            self.endpoints.owner_database_url, self.endpoints.create_database
        )

    def _pipeline(self, db: Database, secrets: Secrets) -> Pipeline:
        identity = IdentityService(
            PasswordHasher(secrets.pepper),
            secrets.keys,
            subject_key=hashlib.sha256(b"ossature log-in subjects\n" + secrets.pepper).digest(),
            index_key=hashlib.sha256(b"ossature email index\n" + secrets.pepper).digest(),
            throttle=Rules(base=timedelta(seconds=self.settings.login_lock_seconds)),
            credential_key=secrets.credential_key,
            session_idle=round(self.settings.session_idle_hours * 3600),
        )
        self.audit = AuditWriter(db)
        access = AccessService(AccessPolicy.builtin(), db)
        services: dict[type, object] = {IdentityService: identity, Catalogs: self.app.catalogs()}
        services[MfaKeys] = MfaKeys(secrets.mfa_key)
        services[KeptInvocations] = KeptInvocations(Sealer(secrets.support_key))
        services[PersonalKeys] = PersonalKeys(master_key_of(secrets))
        services[Regions] = Regions(self.settings.default_region)
        services[OneTimeTokens] = OneTimeTokens(secrets.one_time_token_key, self.settings.links_url)
        services[LoginSources] = LoginSources.of(
            self.settings.analytics_allowed_locations,
            secrets.analytics_location_key,
            secrets.analytics_email_salt,
            self.settings.var_dir,
        )
        return Pipeline(self.app, db, access, self.audit, services)

    def _start_roles(self, roles: set[Role]) -> None:
        assert self.relay_db and self.db and self.audit and self.pipeline and self.secrets
        if "worker" not in roles:  # the relay runs elsewhere: woken over NATS, not by NOTIFY
            waker = RelayWaker(self.nc)
            self.pipeline.on_appended = waker
            self._spawn(waker.run(self.stopping))
        if "gateway" in roles:
            self._spawn(self.audit.run(self.stopping))
            callout = auth_callout(self.secrets.keys, self.db, self.endpoints, self.stopping)
            if callout is not None:
                self._spawn(callout)
        if "worker" in roles:
            self._start_worker()
        if "scheduler" in roles:
            assert self.scheduler_db is not None
            scheduler = Scheduler(self.scheduler_db, self.pipeline, sagas=self.app.sagas)
            self._spawn(scheduler.run(self.stopping))
        if "commands" in roles:
            server = CommandServer(self.nc, self.pipeline, self.command_modules)
            self._spawn(server.run(self.stopping))
            if "gateway" not in roles:  # its refusals are audited by the writer, as there
                self._spawn(self.audit.run(self.stopping))

    def _start_worker(self) -> None:
        """The relay, the projection and saga runners, the notifier, the mail sink, the kicker."""
        assert self.relay_db and self.worker_db and self.pipeline
        relay = Relay(self.relay_db, self.nc, EventStore())
        self.pipeline.on_appended = relay.wake.set  # in place of NOTIFY (see app_pool)
        self._spawn(relay.run(self.stopping))
        for projection in self.app.async_projections:
            runner = ProjectionRunner(
                self.worker_db, self.relay_db, self.nc, projection, types=self.app.event_types
            )
            self._spawn(runner.run(self.stopping))
        invoke, types = self.pipeline.invoke, self.app.event_types
        for saga in self.app.sagas:  # decision 106
            follows = SagaRunner(self.worker_db, self.relay_db, self.nc, saga, invoke, types)
            self._spawn(follows.run(self.stopping))
        self.notifier = notifier_of(self.worker_db, self.nc, self.app, self.pipeline)
        self._spawn(self.notifier.run(self.stopping))
        self._start_mail()
        kicker = kicker_of(self.nc, self.endpoints)
        if kicker is not None:
            self._spawn(kicker.run(self.stopping))

    def _start_mail(self) -> None:
        assert self.worker_db and self.relay_db and self.pipeline
        runner = mail_runner(
            self.app,
            self.pipeline.services,
            self.endpoints.smtp_url,
            self.settings.mail_from,
            (self.worker_db, self.relay_db),
            self.nc,
        )
        if runner is not None:
            self.mailer = runner
            self._spawn(runner.run(self.stopping))

    def _spawn(self, work: Any) -> None:
        self.tasks.append(asyncio.create_task(work))

    async def ready(self) -> bool:
        """True when PostgreSQL and NATS both answer within a second (false while either is
        away: the pools and the NATS client reconnect by themselves once it is back)."""
        try:
            assert self.db is not None
            async with asyncio.timeout(1.0):
                async with self.db.connection() as conn:
                    await conn.fetchval("select 1")
                await self.nc.flush(timeout=1)
        except Exception:
            return False
        return bool(self.nc.is_connected)

    async def stop(self) -> None:
        """Stop the workers (flushing the audit trail), then close connections.

        An engine may be gone by now (lost, or stopped first): what cannot be done cleanly
        is said in one log line each, and the stop goes on.
        """
        self.stopping.set()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await _quietly("system.task-failed", asyncio.wait_for(task, timeout=5))
        stop_tracing(self.tracing)  # what is queued is exported before the process ends
        self.tracing = None
        if self.nc is not None:
            await _quietly("system.nats-close-failed", self.nc.close())
        for db in (self.db, self.worker_db, self.scheduler_db, self.relay_db):
            if db is not None:
                await _quietly("system.pool-close-failed", asyncio.wait_for(db.close(), 10))


async def _quietly(event: str, work: Awaitable[object]) -> None:
    """Await `work`; an error is logged as one line, not raised."""
    try:
        await work
    except Exception as error:  # a timeout included; a cancellation goes through
        _log.warning(event, error=repr(error)[:300])


async def _seal_legacy(owner_url: str, app: Application, services: Mapping[type, object]) -> None:
    """Seal the personal values older versions left in plain text, as the owner, one process
    at a time (decision 93); nothing once done."""
    keys, identity = services[PersonalKeys], services[IdentityService]
    assert isinstance(keys, PersonalKeys) and isinstance(identity, IdentityService)
    events = [event for module in app.modules for event in module.events]
    conn = await asyncpg.connect(owner_url)
    try:
        async with conn.transaction():
            await conn.execute("select pg_advisory_xact_lock(hashtext('identity.seal-legacy'))")
            sealed = await seal_legacy(conn, keys, identity.index_key, events)
    finally:
        await conn.close()
    if sealed:
        _log.info("personal-data.sealed", rows=sealed)


async def _open_missing_cycles(owner_url: str) -> None:
    """Open this month's cycle for each tenant without one (created before billing existed),
    as the owner, one process at a time (decision 74)."""
    conn = await asyncpg.connect(owner_url)
    try:
        async with conn.transaction():
            await conn.execute("select pg_advisory_xact_lock(hashtext('billing.open-missing'))")
            await open_missing_cycles(conn, datetime.now(UTC))
    finally:
        await conn.close()
