"""enroll-totp, confirm-totp and disable-totp through the identity module's table, in memory."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest

from ossature.kernel.context import Actor, Context
from ossature.kernel.errors import DomainError
from ossature.kernel.memory import InMemory
from ossature.modules.identity import MODULE
from ossature.modules.identity._totp import MfaKeys
from ossature.modules.identity.commands.register_account import AccountRegistered
from ossature.modules.identity.mfa import mfa_of
from ossature.runtime.contexts import internal_context

NOW = datetime(2027, 1, 15, 10, 0, 10, tzinfo=UTC)
KEYS = MfaKeys(bytes(range(32)))


def ada(key: str | None = None) -> Context:
    actor = Actor(account_id="a1", kind="user", tenant_id="acme", mechanism="session")
    return internal_context(actor, key)


@pytest.fixture
async def memory() -> InMemory:
    memory = InMemory(MODULE, now=NOW, services={MfaKeys: KEYS})
    deps = memory.deps(ada())
    registered = AccountRegistered(
        account_id="a1", email="ada@acme.test", display_name="Ada", locale="en"
    )
    deps.uow.append("account", "a1", 0, [registered])
    await deps.uow.commit("register-account", {}, NOW, ())
    return memory


def code_of(secret: str) -> str:
    return pyotp.TOTP(secret).at(NOW)


async def test_enrolling_answers_a_secret_that_the_event_carries_only_sealed(
    memory: InMemory,
) -> None:
    answer = await memory.command(ada(), "enroll-totp", {})
    stream = memory.stream(ada(), "a1")
    sealed = mfa_of(stream.events).pending
    assert sealed is not None
    assert (answer["secret"], False) == (
        KEYS.open("acme", "a1", sealed),
        answer["secret"] in sealed,
    )
    assert "issuer=Ossature" in answer["otpauthUri"]


async def test_confirming_answers_ten_recovery_codes_and_turns_mfa_on(memory: InMemory) -> None:
    secret = (await memory.command(ada(), "enroll-totp", {}))["secret"]
    codes = (await memory.command(ada(), "confirm-totp", {"code": code_of(secret)}))[
        "recoveryCodes"
    ]
    mfa = mfa_of(memory.stream(ada(), "a1").events)
    assert (True, sorted(KEYS.hash_code("a1", c) for c in codes)) == (
        mfa.enabled,
        sorted(mfa.recovery),
    )


async def test_confirming_without_enrolling_is_refused(memory: InMemory) -> None:
    with pytest.raises(DomainError) as refused:
        await memory.command(ada(), "confirm-totp", {"code": "123456"})
    assert "identity.totp-not-enrolled" == refused.value.key


async def test_a_recovery_code_turns_mfa_off(memory: InMemory) -> None:
    secret = (await memory.command(ada(), "enroll-totp", {}))["secret"]
    codes = (await memory.command(ada(), "confirm-totp", {"code": code_of(secret)}))[
        "recoveryCodes"
    ]
    await memory.command(ada(), "disable-totp", {"code": codes[3].upper()})
    assert not mfa_of(memory.stream(ada(), "a1").events).enabled
