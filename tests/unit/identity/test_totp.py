"""TOTP codes and recovery codes: the window, single use, sealing and keyed hashes."""

from __future__ import annotations

import pyotp
import pytest

from ossature.modules.identity._totp import (
    RECOVERY_CODES,
    MfaKeys,
    Unsealable,
    accepted_step,
    is_recovery_code,
    new_recovery_codes,
    normalize_recovery_code,
    otpauth_uri,
)

SECRET = pyotp.random_base32()
NOW = 1_800_000_010  # step 60_000_000, 10 s into it
STEP = NOW // 30
KEYS = MfaKeys(bytes(range(32)))


def code_at(step: int) -> str:
    return pyotp.TOTP(SECRET).at(step * 30)


def test_a_code_of_now_is_accepted_at_its_step() -> None:
    assert STEP == accepted_step(SECRET, code_at(STEP), NOW, -1)


def test_the_previous_and_next_steps_codes_are_accepted_within_the_window() -> None:
    accepted = [accepted_step(SECRET, code_at(STEP + d), NOW, -1) for d in (-1, 1)]
    assert [STEP - 1, STEP + 1] == accepted


def test_a_code_two_steps_away_is_refused() -> None:
    assert [None, None] == [accepted_step(SECRET, code_at(STEP + d), NOW, -1) for d in (-2, 2)]


def test_a_used_code_does_not_work_twice() -> None:
    """Once its step is the last used, the code (and any of an earlier step) is refused."""
    assert [None, None] == [
        accepted_step(SECRET, code_at(STEP), NOW, STEP),
        accepted_step(SECRET, code_at(STEP - 1), NOW, STEP),
    ]


def test_a_later_code_still_works_after_an_earlier_one_was_used() -> None:
    assert STEP + 1 == accepted_step(SECRET, code_at(STEP + 1), NOW, STEP)


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12a456", "١٢٣٤٥٦"])
def test_a_code_that_is_not_six_ascii_digits_is_refused(code: str) -> None:
    assert accepted_step(SECRET, code, NOW, -1) is None


def test_the_otpauth_uri_names_the_issuer_and_the_account() -> None:
    uri = otpauth_uri(SECRET, "ada@acme.test")
    parsed = pyotp.parse_uri(uri)
    assert (SECRET, "ada@acme.test", "Ossature") == (parsed.secret, parsed.name, parsed.issuer)


def test_ten_distinct_recovery_codes_of_80_bits_are_issued() -> None:
    codes = new_recovery_codes()
    letters = {code.replace("-", "") for code in codes}
    assert (RECOVERY_CODES, RECOVERY_CODES, {16}) == (
        len(codes),
        len(letters),
        {len(x) for x in letters},
    )


def test_a_recovery_code_is_recognized_however_it_is_typed() -> None:
    code = new_recovery_codes()[0]
    typed = code.upper().replace("-", " ")
    same = (KEYS.hash_code("a1", code), normalize_recovery_code(typed), is_recovery_code(typed))
    assert (KEYS.hash_code("a1", typed), code, True) == same


def test_a_recovery_codes_hash_is_bound_to_its_account_and_the_key() -> None:
    code = new_recovery_codes()[0]
    other_key = MfaKeys(bytes(32))
    hashes = {
        KEYS.hash_code("a1", code),
        KEYS.hash_code("a2", code),
        other_key.hash_code("a1", code),
    }
    assert 3 == len(hashes)


def test_a_totp_code_is_not_taken_for_a_recovery_code() -> None:
    assert not is_recovery_code("123456")


def test_a_sealed_secret_opens_only_for_its_tenant_and_account() -> None:
    sealed = KEYS.seal("t1", "a1", SECRET)
    assert SECRET == KEYS.open("t1", "a1", sealed)
    assert SECRET not in sealed
    for tenant, account in (("t2", "a1"), ("t1", "a2")):
        with pytest.raises(Unsealable):
            KEYS.open(tenant, account, sealed)


def test_an_enrollments_secret_follows_from_its_key_and_the_deployment_key() -> None:
    """A repeat proposes the same secret; another key, or another deployment, another one."""
    first = KEYS.secret_for("t1", "a1", "K1")
    again = KEYS.secret_for("t1", "a1", "K1")
    others = {KEYS.secret_for("t1", "a1", "K2"), MfaKeys(bytes(32)).secret_for("t1", "a1", "K1")}
    assert (first, False, 32) == (again, first in others, len(first))
