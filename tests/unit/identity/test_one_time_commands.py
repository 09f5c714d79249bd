"""accept-invitation, verify-email and reset-password on the in-memory seam: what each
appends, and each token rule as the command applies it (no engine)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ossature.kernel.context import Actor, Context
from ossature.kernel.errors import DomainError
from ossature.kernel.ids import new_id
from ossature.kernel.memory import InMemory
from ossature.kernel.messages import Event
from ossature.modules import access, identity
from ossature.modules.access.commands.assign_role import RoleAssigned
from ossature.modules.identity._one_time import LIFETIMES, OneTimeTokens, Purpose
from ossature.modules.identity._passwords import PasswordHasher
from ossature.modules.identity._tokens import KeyRing, SigningKey
from ossature.modules.identity.commands.invite_account import AccountInvited
from ossature.modules.identity.commands.request_email_verification import (
    EmailVerificationRequested,
)
from ossature.modules.identity.commands.request_password_reset import (
    PasswordResetRequested,
    PasswordResetUnmatched,
)
from ossature.modules.identity.events import (
    AccountRegistered,
    EmailVerified,
    PasswordSet,
    SessionsEnded,
    TokenUsed,
)
from ossature.modules.identity.service import IdentityService
from ossature.runtime.contexts import internal_context, new_trace

TENANT, OTHER, ACCOUNT = new_id(), new_id(), new_id()
TOKENS = OneTimeTokens(bytes(range(32)), "https://app.example")
PASSWORD = "a new long passphrase"  # pragma: allowlist secret


class MemoryPasswords:
    """The password table's port, in memory: each account's hash."""

    def __init__(self) -> None:
        self.hashes: dict[tuple[str, str], str] = {}

    async def set(self, deps: Any, tenant_id: str, account_id: str, password_hash: str) -> None:
        self.hashes[(tenant_id, account_id)] = password_hash

    async def remove(self, deps: Any, tenant_id: str, account_id: str) -> None:
        self.hashes.pop((tenant_id, account_id), None)


PASSWORDS = MemoryPasswords()


def _memory() -> InMemory:
    keys = KeyRing(SigningKey.generate(), [])
    services = {
        OneTimeTokens: TOKENS,
        IdentityService: IdentityService(PasswordHasher(b"p" * 16), keys, passwords=PASSWORDS),
    }
    return InMemory(identity.MODULE, access.MODULE, services=services)


def _seeder(tenant: str = TENANT) -> Context:
    actor = Actor(account_id="seeder", kind="service", tenant_id=tenant, mechanism="internal")
    return internal_context(actor)


def anonymous() -> Context:
    return Context(access=None, trace=new_trace(None))


async def _seed(memory: InMemory, stream_type: str, stream_id: str, events: list[Event]) -> None:
    deps = memory.deps(_seeder())
    deps.uow.append(stream_type, stream_id, 0, events)
    await deps.uow.commit("seed", {}, memory.now, ())


async def _issued(memory: InMemory, purpose: Purpose) -> str:
    """An account, and a token of `purpose` for it, as the issuing command leaves them."""
    token_id = new_id()
    if not memory.stream(_seeder(), ACCOUNT).envelopes:
        registered = AccountRegistered(
            account_id=ACCOUNT, email="ada@example.com", display_name="Ada", locale="fr"
        )
        await _seed(memory, "account", ACCOUNT, [registered])
    who: dict[str, Any] = {"token_id": token_id, "account_id": ACCOUNT, "email": "ada@example.com"}
    who |= {"display_name": "Ada", "locale": "fr"}
    opening: Event = {
        "invitation": lambda: AccountInvited(
            **who, role="project-editor", folder_id="f1", inviter_id="i1"
        ),
        "email-verification": lambda: EmailVerificationRequested(**who),
        "password-reset": lambda: PasswordResetRequested(**who),
    }[purpose]()
    await _seed(memory, purpose, token_id, [opening])
    return TOKENS.token(purpose, TENANT, token_id)


def _account_events(memory: InMemory) -> list[Event]:
    return list(memory.stream(_seeder(), ACCOUNT).events)[1:]


async def test_accepting_an_invitation_sets_the_password_verifies_and_assigns_the_role() -> None:
    memory = _memory()
    token = await _issued(memory, "invitation")

    outcome = await memory.command(
        anonymous(), "accept-invitation", {"token": token, "password": PASSWORD}
    )

    appended = _account_events(memory)
    assert {"accountId": ACCOUNT} == outcome
    assert [PasswordSet, EmailVerified, RoleAssigned] == [type(e) for e in appended]
    assert RoleAssigned(account_id=ACCOUNT, role="project-editor", folder_id="f1") == appended[2]
    assert EmailVerified(account_id=ACCOUNT, email="ada@example.com") == appended[1]
    token_id = token.split(".")[1]
    last = memory.stream(_seeder(), token_id).events[-1]
    assert TokenUsed(token_id=token_id, account_id=ACCOUNT) == last


async def test_an_invitation_accepted_twice_is_refused_the_second_time() -> None:
    memory = _memory()
    token = await _issued(memory, "invitation")
    payload = {"token": token, "password": PASSWORD}
    await memory.command(anonymous(), "accept-invitation", payload)

    with pytest.raises(DomainError) as refused:
        await memory.command(anonymous(), "accept-invitation", payload)

    assert "identity.token-used" == refused.value.key


@pytest.mark.parametrize(
    ("command", "purpose"),
    [
        ("accept-invitation", "invitation"),
        ("verify-email", "email-verification"),
        ("reset-password", "password-reset"),
    ],
)
async def test_a_token_is_refused_from_the_end_of_its_lifetime(
    command: str, purpose: Purpose
) -> None:
    memory = _memory()
    token = await _issued(memory, purpose)
    memory.now += LIFETIMES[purpose]

    with pytest.raises(DomainError) as refused:
        await memory.command(
            anonymous(),
            command,
            {"token": token, "password": PASSWORD}
            if purpose != "email-verification"
            else {"token": token},
        )

    assert ("identity.token-expired", []) == (refused.value.key, _account_events(memory))


async def test_a_token_is_taken_a_moment_before_its_end() -> None:
    memory = _memory()
    token = await _issued(memory, "password-reset")
    memory.now += LIFETIMES["password-reset"] - timedelta(seconds=1)

    outcome = await memory.command(
        anonymous(), "reset-password", {"token": token, "password": PASSWORD}
    )

    assert {"accountId": ACCOUNT} == outcome


async def test_an_invitation_is_refused_at_another_tenants_request() -> None:
    """A caller of tenant OTHER (as at OTHER's entry point) cannot use a token of TENANT."""
    memory = _memory()
    token = await _issued(memory, "invitation")
    elsewhere = Actor(
        account_id="x", kind="user", tenant_id=OTHER, mechanism="session", session_id="s"
    )

    with pytest.raises(DomainError) as refused:
        await memory.command(
            internal_context(elsewhere), "accept-invitation", {"token": token, "password": PASSWORD}
        )

    assert ("identity.token-invalid", []) == (refused.value.key, _account_events(memory))


async def test_a_reset_token_cannot_accept_an_invitation() -> None:
    memory = _memory()
    token = await _issued(memory, "password-reset")

    with pytest.raises(DomainError) as refused:
        await memory.command(
            anonymous(), "accept-invitation", {"token": token, "password": PASSWORD}
        )

    assert "identity.token-invalid" == refused.value.key


async def test_a_token_of_an_unknown_id_is_invalid() -> None:
    memory = _memory()

    with pytest.raises(DomainError) as refused:
        await memory.command(
            anonymous(),
            "verify-email",
            {"token": TOKENS.token("email-verification", TENANT, new_id())},
        )

    assert "identity.token-invalid" == refused.value.key


async def test_verifying_an_email_marks_it_verified_once() -> None:
    memory = _memory()
    token = await _issued(memory, "email-verification")

    outcome = await memory.command(anonymous(), "verify-email", {"token": token})

    expected = (
        {"accountId": ACCOUNT, "email": "ada@example.com"},
        [EmailVerified(account_id=ACCOUNT, email="ada@example.com")],
    )
    assert expected == (outcome, _account_events(memory))


async def test_resetting_a_password_sets_it_and_ends_every_session() -> None:
    memory = _memory()
    token = await _issued(memory, "password-reset")

    await memory.command(anonymous(), "reset-password", {"token": token, "password": PASSWORD})

    appended = _account_events(memory)
    assert [PasswordSet, SessionsEnded] == [type(e) for e in appended]
    assert SessionsEnded(account_id=ACCOUNT, kept_session_id=None) == appended[1]
    assert PASSWORD not in repr(appended)
    assert PASSWORDS.hashes[(TENANT, ACCOUNT)].startswith("$argon2id$")  # kept, not in an event
    assert PASSWORDS.hashes[(TENANT, ACCOUNT)] not in repr(appended)


async def test_a_reset_asked_for_no_account_issues_no_usable_token() -> None:
    """Its stream holds no account: even a genuine secret for its id is invalid."""
    memory = _memory()
    token_id = new_id()
    await _seed(memory, "password-reset", token_id, [PasswordResetUnmatched(token_id=token_id)])
    token = TOKENS.token("password-reset", TENANT, token_id)

    with pytest.raises(DomainError) as refused:
        await memory.command(anonymous(), "reset-password", {"token": token, "password": PASSWORD})

    assert "identity.token-invalid" == refused.value.key
