"""Entitlements an account holds (decision 83), projected inline from the events that gain
or lose them, and the requirement check the pipeline makes before a command's handler.

`email-verified` from identity's email-verified, `mfa-enrolled` from totp-confirmed (lost with
totp-disabled), `signed-terms:<version>` from this module's terms-accepted. Inline, so that a
command run right after the one that gained an entitlement is admitted.
"""

from __future__ import annotations

from typing import Any

from ossature.kernel.context import Actor, Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection
from ossature.modules.access.errors import RequirementUnmet
from ossature.modules.access.requirements import TERMS, Requirement, Requirements, unmet
from ossature.modules.tenancy.subscription import Subscriptions

__all__ = ["ENTITLEMENTS", "entitlements_of", "held_to_requirements", "hold", "unmet_view"]


def _gains(entitlement: str) -> Any:
    async def gained(conn: Any, envelope: Envelope) -> None:
        await _insert(conn, envelope, entitlement)

    return gained


async def _terms_accepted(conn: Any, envelope: Envelope) -> None:
    await _insert(conn, envelope, TERMS + envelope.payload["termsVersion"])


async def _insert(conn: Any, envelope: Envelope, entitlement: str) -> None:
    await conn.execute(
        "insert into account_entitlements (tenant_id, account_id, entitlement, gained_at)"
        " values ($1, $2, $3, $4) on conflict do nothing",
        envelope.tenant_id,
        envelope.payload["accountId"],
        entitlement,
        envelope.occurred_at,
    )


async def _mfa_disabled(conn: Any, envelope: Envelope) -> None:
    await conn.execute(
        "delete from account_entitlements where account_id = $1 and entitlement = 'mfa-enrolled'",
        envelope.payload["accountId"],
    )


ENTITLEMENTS = Projection(
    name="access-entitlements",
    handlers={
        "email-verified": _gains("email-verified"),
        "totp-confirmed": _gains("mfa-enrolled"),
        "totp-disabled": _mfa_disabled,
        "terms-accepted": _terms_accepted,
    },
    tables=("account_entitlements",),
    inline=True,
)


async def entitlements_of(conn: Any, account_id: str) -> dict[str, Any]:
    """The entitlements the account holds, each with when it gained it (one indexed read)."""
    rows = await conn.fetch(
        "select entitlement, gained_at from account_entitlements where account_id = $1"
        " order by entitlement",
        account_id,
    )
    return {row["entitlement"]: row["gained_at"] for row in rows}


def held_to_requirements(actor: Actor | None) -> bool:
    """Requirements bind people: a user's invocations (an impersonating operator's too, held
    to the account's entitlements), not a service account's nor the system's own (which act
    as services: the seeder, the scheduler, the notifier)."""
    return actor is not None and actor.kind == "user"


async def hold(requirements: Requirements, ctx: Context, command: str, deps: Deps) -> None:
    """RequirementUnmet when the actor lacks an entitlement a requirement on `command` asks
    for in their tenant's country. A command no requirement names costs a lookup; the
    account's entitlements are read only when one applies."""
    if command not in requirements.by_command or not held_to_requirements(ctx.access):
        return
    assert ctx.access is not None
    tenant_id = ctx.access.tenant_id
    # Through the invocation's transaction: authorization may have begun it already.
    country = (await deps.get(Subscriptions).of(tenant_id, deps.db)).country
    applying = requirements.applying(command, country)
    if not applying:
        return
    async with deps.db.transaction(tenant_id, readonly=True) as conn:
        held = await entitlements_of(conn, ctx.access.account_id)
    missing = unmet(applying, held, country)
    if missing:
        raise RequirementUnmet(
            {
                "requirements": ", ".join(r.id for r in missing),
                "unmet": [unmet_view(r, country) for r in missing],
            }
        )


def unmet_view(requirement: Requirement, country: str | None) -> dict[str, Any]:
    """An unmet requirement as a client reads it: its id, the entitlements of which any one
    meets it, and the flow that gains one (None when no command does)."""
    return {
        "id": requirement.id,
        "satisfiedBy": list(requirement.alternatives(country)),
        "flow": requirement.flow(country),
    }
