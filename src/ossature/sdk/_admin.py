"""Typed calls of administration: the audit log, the members of a folder, log-in counts.

A mixin of `Client`: each call is one command or query through `command` and `query`.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol, Unpack

from ossature.sdk._types import CallOptions, Json

__all__ = ["AdminCalls"]


class _Invoker(Protocol):
    async def command(
        self, name: str, payload: Json | None = None, **options: Unpack[CallOptions]
    ) -> Json: ...

    async def query(
        self, name: str, payload: Json | None = None, **options: Unpack[CallOptions]
    ) -> Json: ...


def _present(payload: Json) -> Json:
    return {key: value for key, value in payload.items() if value is not None}


class AdminCalls:
    async def list_audit_entries(self: _Invoker, **filters: str | int | None) -> list[Json]:
        """The entries this identity may read, newest first: `actorId`, `name`, `outcome`,
        `from`, `to` (ISO days), `limit`, `cursor` as list-audit-entries takes them."""
        answer = await self.query("list-audit-entries", _present(dict(filters)))
        return list(answer["entries"])

    async def audit_page(
        self: _Invoker,
        *,
        actor_id: str | None = None,
        name: str | None = None,
        outcome: str | None = None,
        first: date | str | None = None,
        last: date | str | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> tuple[list[Json], str | None]:
        """One page of the audit log, newest first, and the cursor of the next (None: the
        last); `first` and `last` are days, included (a string is sent as it is)."""
        payload = {
            "actorId": actor_id,
            "name": name,
            "outcome": outcome,
            "from": first.isoformat() if isinstance(first, date) else first,
            "to": last.isoformat() if isinstance(last, date) else last,
            "cursor": cursor,
            "limit": limit,
        }
        answer = await self.query("list-audit-entries", _present(payload))
        return list(answer["entries"]), answer["nextCursor"]

    async def get_audit_entry(self: _Invoker, invocation_id: str) -> Json:
        """One entry with its whole invocation context; NotFound when not one's to read."""
        return await self.query("get-audit-entry", {"invocationId": invocation_id})

    async def list_role_assignments(self: _Invoker, folder_id: str | None = None) -> list[Json]:
        """The role assignments at and below a folder (or everywhere) one may read."""
        answer = await self.query("list-role-assignments", _present({"folderId": folder_id}))
        return list(answer["assignments"])

    async def list_roles(self: _Invoker) -> list[str]:
        """The roles a tenant may hand out."""
        return list((await self.query("list-roles"))["roles"])

    async def list_accounts(self: _Invoker) -> list[Json]:
        """Every account of the tenant (with `accounts.read`)."""
        return list((await self.query("list-accounts"))["accounts"])

    async def invite_account(
        self: _Invoker,
        email: str,
        display_name: str,
        role: str,
        folder_id: str,
        locale: str | None = None,
        **options: Unpack[CallOptions],
    ) -> Json:
        """Invite someone with a role at a folder; `accountId` and `invitationId`."""
        payload = {"email": email, "displayName": display_name, "role": role}
        payload |= _present({"folderId": folder_id, "locale": locale})
        return await self.command("invite-account", payload, **options)

    async def revoke_role(
        self: _Invoker, account_id: str, role: str, folder_id: str, **options: Unpack[CallOptions]
    ) -> Json:
        payload = {"accountId": account_id, "role": role, "folderId": folder_id}
        return await self.command("revoke-role", payload, **options)

    async def deactivate_account(
        self: _Invoker, account_id: str, **options: Unpack[CallOptions]
    ) -> Json:
        return await self.command("deactivate-account", {"accountId": account_id}, **options)

    async def forget_account(
        self: _Invoker, account_id: str, **options: Unpack[CallOptions]
    ) -> Json:
        """The person's data can no longer be read anywhere (one's own, or with the right to
        deactivate accounts): their email and name read `[forgotten]` from then on."""
        return await self.command("forget-account", {"accountId": account_id}, **options)

    async def list_login_sources(self: _Invoker) -> list[Json]:
        return list((await self.query("list-login-sources"))["sources"])

    async def count_logins_per_day(self: _Invoker, first: date, last: date) -> list[Json]:
        """Ossature's own log-ins, one point a day from `first` to `last`."""
        payload = {"from": first.isoformat(), "to": last.isoformat()}
        return list((await self.query("count-logins-per-day", payload))["series"])

    async def count_source_logins_per_day(
        self: _Invoker, source: str, first: date, last: date
    ) -> list[Json]:
        """A login source's log-ins, one point a day from `first` to `last`."""
        payload = {"source": source, "from": first.isoformat(), "to": last.isoformat()}
        return list((await self.query("count-source-logins-per-day", payload))["series"])
