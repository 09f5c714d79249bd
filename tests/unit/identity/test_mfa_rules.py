"""The second factor's rules, pure: enrolling, confirming, disabling, completing a log-in."""

from __future__ import annotations

from dataclasses import replace

import pyotp
import pytest

from ossature.kernel.errors import DomainError
from ossature.modules.identity.commands.complete_log_in import (
    CompleteLogIn,
    MfaChallengePassed,
    Opened,
    decide_complete,
)
from ossature.modules.identity.commands.confirm_totp import TotpConfirmed, decide_confirm
from ossature.modules.identity.commands.disable_totp import TotpDisabled, decide_disable
from ossature.modules.identity.commands.enroll_totp import TotpEnrolled, decide_enroll
from ossature.modules.identity.commands.register_account import AccountRegistered
from ossature.modules.identity.fields import Code, MfaToken
from ossature.modules.identity.mfa import Mfa, mfa_of

SECRET = pyotp.random_base32()
NOW = 1_800_000_010
STEP = NOW // 30
ON = mfa_of(
    [
        AccountRegistered(account_id="a1", email="ada@acme.test", display_name="Ada", locale="en"),
        TotpEnrolled(account_id="a1", sealed_secret="sealed"),
        TotpConfirmed(account_id="a1", step=STEP - 5, recovery_codes=["h1", "h2"]),
    ]
)


def code_at(step: int) -> str:
    return pyotp.TOTP(SECRET).at(step * 30)


def refused(call: object) -> str:
    try:
        call()  # type: ignore[operator]
    except DomainError as error:
        return error.key
    return "accepted"


def complete(mfa: Mfa, cmd: CompleteLogIn, session: str = "s1", before: bool = False) -> object:
    code_hash = cmd.recovery_code.reveal() if cmd.recovery_code else ""
    return decide_complete(mfa, SECRET, cmd, code_hash, NOW, Opened("a1", session, before))


def with_code(step: int) -> CompleteLogIn:
    return CompleteLogIn(mfa_token=MfaToken("t"), code=Code(code_at(step)))


def test_confirming_turns_mfa_on_with_the_pending_secret_and_the_codes_hashes() -> None:
    expected = Mfa("ada@acme.test", None, "sealed", STEP - 5, "", {"h1": "", "h2": ""})
    assert (expected, True) == (ON, ON.enabled)


def test_enrolling_again_before_confirming_replaces_the_pending_secret() -> None:
    first = mfa_of([TotpEnrolled(account_id="a1", sealed_secret="one")])
    events = decide_enroll(first, "a1", "two")
    assert "two" == mfa_of([TotpEnrolled(account_id="a1", sealed_secret="one"), *events]).pending


def test_enrolling_with_mfa_on_is_refused() -> None:
    assert "identity.totp-already-on" == refused(lambda: decide_enroll(ON, "a1", "x"))


def test_confirming_with_a_wrong_code_is_refused() -> None:
    pending = Mfa(pending="sealed")
    wrong = f"{(int(code_at(STEP)) + 1) % 1_000_000:06d}"
    assert "identity.wrong-code" == refused(
        lambda: decide_confirm(pending, SECRET, wrong, NOW, "a1", [])
    )


def test_confirming_records_the_codes_step_as_used() -> None:
    events = decide_confirm(Mfa(pending="sealed"), SECRET, code_at(STEP), NOW, "a1", ["h"])
    assert [TotpConfirmed(account_id="a1", step=STEP, recovery_codes=["h"])] == events


def test_a_totp_code_completes_a_log_in_once() -> None:
    """The code passes for session s1; the same code for another session is refused."""
    events = complete(ON, with_code(STEP))
    after = events[0].evolve(ON)  # type: ignore[index]
    expected = [MfaChallengePassed(account_id="a1", session_id="s1", step=STEP)]
    assert (expected, "identity.wrong-code") == (
        events,
        refused(lambda: complete(after, with_code(STEP), "s2")),
    )


def test_an_earlier_steps_code_is_refused_once_a_later_one_was_used() -> None:
    after = replace(ON, last_step=STEP, last_step_session="s1")
    assert "identity.wrong-code" == refused(lambda: complete(after, with_code(STEP - 1), "s2"))


def test_a_repeat_of_the_same_completion_passes_again_for_its_session() -> None:
    """The same Idempotency-Key runs the handler again: the code its session used passes."""
    after = replace(ON, last_step=STEP, last_step_session="s1")
    events = complete(after, with_code(STEP), "s1", before=True)
    assert [MfaChallengePassed(account_id="a1", session_id="s1", step=STEP)] == events


def test_an_mfa_token_whose_session_is_open_is_refused_with_another_code() -> None:
    after = replace(ON, last_step=STEP - 1, last_step_session="s1")
    assert "identity.mfa-token-used" == refused(
        lambda: complete(after, with_code(STEP), "s1", before=True)
    )


def test_a_recovery_code_completes_a_log_in_once() -> None:
    cmd = CompleteLogIn(mfa_token=MfaToken("t"), recovery_code=Code("h1"))
    events = complete(ON, cmd)
    after = events[0].evolve(ON)  # type: ignore[index]
    expected = [MfaChallengePassed(account_id="a1", session_id="s1", recovery_code="h1")]
    assert (expected, "identity.wrong-code", "accepted") == (
        events,
        refused(lambda: complete(after, cmd, "s2")),
        refused(
            lambda: complete(
                after, CompleteLogIn(mfa_token=MfaToken("t"), recovery_code=Code("h2")), "s2"
            )
        ),
    )


def test_an_unknown_recovery_code_is_refused() -> None:
    cmd = CompleteLogIn(mfa_token=MfaToken("t"), recovery_code=Code("nope"))
    assert "identity.wrong-code" == refused(lambda: complete(ON, cmd))


def test_completing_for_an_account_whose_mfa_was_turned_off_is_refused() -> None:
    off = TotpDisabled(account_id="a1", step=STEP).evolve(ON)
    assert "identity.mfa-token-invalid" == refused(lambda: complete(off, with_code(STEP + 1)))


@pytest.mark.parametrize("how", ["totp", "recovery"])
def test_disabling_takes_a_totp_code_or_an_unused_recovery_code(how: str) -> None:
    code, code_hash = (code_at(STEP), "") if how == "totp" else ("abcd-efgh-ijkl-mnop", "h1")
    events = decide_disable(ON, SECRET, code, code_hash, NOW, "a1")
    off = events[0].evolve(ON)  # type: ignore[attr-defined]
    assert (False, {}) == (off.enabled, off.recovery)


def test_disabling_with_a_used_recovery_code_is_refused() -> None:
    used = ON.used_code("h1", "s1")
    code = "abcd-efgh-ijkl-mnop"
    assert "identity.wrong-code" == refused(
        lambda: decide_disable(used, SECRET, code, "h1", NOW, "a1")
    )


def test_disabling_when_mfa_is_off_is_refused() -> None:
    assert "identity.totp-not-on" == refused(
        lambda: decide_disable(Mfa(), SECRET, code_at(STEP), "", NOW, "a1")
    )
