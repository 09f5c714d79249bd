"""assign-role run through the access module's table on the in-memory seam: no engine."""

from __future__ import annotations

import pytest

from ossature.kernel.context import Context
from ossature.kernel.memory import InMemory
from ossature.modules import identity
from ossature.modules.access import MODULE
from ossature.modules.access.commands.assign_role import RoleAssigned
from ossature.modules.access.errors import AccountNotFound, UnknownRole
from ossature.modules.identity.commands.register_account import AccountRegistered, PasswordSet
from tests.unit.support import user_context


def admin(tenant: str = "acme") -> Context:
    return user_context("tenant-admin", "global", tenant)


async def _registered(memory: InMemory, account_id: str) -> None:
    """An account's stream as register-account leaves it (that command reads PostgreSQL)."""
    deps = memory.deps(admin())
    registered = AccountRegistered(
        account_id=account_id, email="ada@acme.test", display_name="Ada", locale="en"
    )
    password = PasswordSet(account_id=account_id)
    deps.uow.append("account", account_id, 0, [registered, password])
    await deps.uow.commit("register-account", {}, memory.now, ())


async def test_a_role_is_assigned_on_the_accounts_stream_after_its_registration() -> None:
    """role-assigned follows the account's two registration events."""
    memory = InMemory(MODULE, identity.MODULE)
    await _registered(memory, "a1")
    payload = {"accountId": "a1", "role": "project-editor", "folderId": "eu"}

    outcome = await memory.command(admin(), "assign-role", payload)

    expected = (
        {"accountId": "a1", "role": "project-editor", "folderId": "eu"},
        RoleAssigned(account_id="a1", role="project-editor", folder_id="eu"),
        3,
    )
    stream = memory.stream(admin(), "a1")
    assert expected == (outcome, stream.events[-1], stream.version)


async def test_another_tenants_account_is_not_found() -> None:
    """Streams are the tenant's own: an account of acme does not exist for globex."""
    memory = InMemory(MODULE, identity.MODULE)
    await _registered(memory, "a1")
    payload = {"accountId": "a1", "role": "project-viewer", "folderId": "eu"}
    with pytest.raises(AccountNotFound):
        await memory.command(admin("globex"), "assign-role", payload)


async def test_an_unknown_role_appends_nothing() -> None:
    """The refusal leaves the account's stream as it was."""
    memory = InMemory(MODULE, identity.MODULE)
    await _registered(memory, "a1")
    with pytest.raises(UnknownRole):
        await memory.command(
            admin(), "assign-role", {"accountId": "a1", "role": "owner", "folderId": "eu"}
        )
    assert 2 == memory.stream(admin(), "a1").version
