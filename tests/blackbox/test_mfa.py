"""TOTP MFA over HTTP: enroll, confirm, log in with a code, codes used once, recovery codes."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
import pyotp
import pytest

from tests.blackbox._api import TokenFor, call, claims_of, log_in, new_ulid, problem_of

pytestmark = pytest.mark.blackbox

# pragma: allowlist nextline secret: a test account's password, made for this test
PASSWORD = "mfa-test-password-1"
# The MFA steps come from an address of their own (the loopback proxy forwards for it): their
# wrong codes count against it, not against the loopback every other test logs in from.
FROM = {"X-Forwarded-For": "198.51.100.51"}


@dataclass(frozen=True)
class Enrolled:
    """A fresh acme account with TOTP on: its email, secret and recovery codes."""

    email: str
    secret: str
    recovery_codes: list[str]


def code(secret: str, steps_ahead: int = 0) -> str:
    """The account's code `steps_ahead` 30-second steps from now (the server takes +-1)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


async def register(http: httpx.AsyncClient, token_for: TokenFor, tenant: str = "acme") -> str:
    email = f"mfa-{new_ulid().lower()}@{tenant}.test"
    body = {"email": email, "displayName": "MFA", "password": PASSWORD}
    admin = await token_for(f"admin@{tenant}")
    answer = await call(http, "commands/register-account", body, admin)
    assert answer.status_code == 200, answer.text
    return email


async def challenge(http: httpx.AsyncClient, email: str, tenant: str = "acme") -> str:
    """log-in's answer for an account with MFA on: its MFA token, and nothing else."""
    body = {"tenant": tenant, "email": email, "password": PASSWORD}
    answer = await call(http, "commands/log-in", body, headers=FROM)
    assert answer.status_code == 200, answer.text
    assert {"mfaRequired", "mfaToken"} == answer.json().keys()
    return str(answer.json()["mfaToken"])


async def complete(http: httpx.AsyncClient, mfa_token: str, **proof: str) -> httpx.Response:
    body = {"mfaToken": mfa_token, **proof}
    return await call(http, "commands/complete-log-in", body, headers=FROM)


async def enroll(http: httpx.AsyncClient, token_for: TokenFor) -> Enrolled:
    """A fresh account registered, logged in, enrolled and confirmed over HTTP; logged out."""
    email = await register(http, token_for)
    token = await log_in(http, email, PASSWORD)
    enrollment = (await call(http, "commands/enroll-totp", {}, token)).json()
    secret = enrollment["secret"]
    assert pyotp.parse_uri(enrollment["otpauthUri"]).secret == secret
    confirmed = await call(http, "commands/confirm-totp", {"code": code(secret)}, token)
    assert confirmed.status_code == 200, confirmed.text
    assert (await call(http, "commands/log-out", {}, token)).status_code == 200
    return Enrolled(email, secret, confirmed.json()["recoveryCodes"])


@pytest.fixture(scope="module")
async def enrolled(http: httpx.AsyncClient, token_for: TokenFor) -> Enrolled:
    """An account with MFA on, shared by the tests that use no TOTP code (but one)."""
    return await enroll(http, token_for)


async def test_confirming_answers_ten_distinct_recovery_codes(enrolled: Enrolled) -> None:
    assert 10 == len(set(enrolled.recovery_codes))


async def test_a_code_completes_the_log_in_and_the_token_works(
    http: httpx.AsyncClient, enrolled: Enrolled
) -> None:
    """log-in answers an MFA token, not an access token; complete-log-in answers the token."""
    mfa_token = await challenge(http, enrolled.email)
    completed = await complete(http, mfa_token, code=code(enrolled.secret, 1))
    assert completed.status_code == 200, completed.text
    token = completed.json()["accessToken"]
    folders = await call(http, "queries/list-folders", {}, token)
    assert (200, completed.json()["sessionId"]) == (folders.status_code, claims_of(token)["sid"])


async def test_a_used_code_does_not_work_twice(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """Its own account: the codes of a time step and the one either side are few."""
    enrolled = await enroll(http, token_for)
    used = code(enrolled.secret, 1)
    first = await complete(http, await challenge(http, enrolled.email), code=used)
    again = await complete(http, await challenge(http, enrolled.email), code=used)
    assert (200, (401, "identity.wrong-code")) == (first.status_code, problem_of(again))


async def test_an_mfa_token_opens_one_session(http: httpx.AsyncClient, enrolled: Enrolled) -> None:
    mfa_token = await challenge(http, enrolled.email)
    assert (await complete(http, mfa_token, recoveryCode=enrolled.recovery_codes[0])).is_success
    again = await complete(http, mfa_token, recoveryCode=enrolled.recovery_codes[1])
    assert (401, "identity.mfa-token-used") == problem_of(again)


async def test_a_recovery_code_works_once(http: httpx.AsyncClient, enrolled: Enrolled) -> None:
    recovery = enrolled.recovery_codes[2].upper()
    first = await complete(http, await challenge(http, enrolled.email), recoveryCode=recovery)
    again = await complete(http, await challenge(http, enrolled.email), recoveryCode=recovery)
    assert (200, (401, "identity.wrong-code")) == (first.status_code, problem_of(again))


async def test_a_repeat_of_a_completion_answers_the_same_session(
    http: httpx.AsyncClient, enrolled: Enrolled
) -> None:
    """The same Idempotency-Key: the same session, a fresh token that works."""
    mfa_token, key = await challenge(http, enrolled.email), new_ulid()
    body = {"mfaToken": mfa_token, "recoveryCode": enrolled.recovery_codes[3]}
    headers = {"Idempotency-Key": key, **FROM}
    first = await call(http, "commands/complete-log-in", body, headers=headers)
    again = await call(http, "commands/complete-log-in", body, headers=headers)
    works = await call(http, "queries/list-folders", {}, again.json().get("accessToken"))
    assert (200, 200, first.json()["sessionId"], 200) == (
        first.status_code,
        again.status_code,
        again.json()["sessionId"],
        works.status_code,
    )


async def test_an_mfa_token_is_not_an_access_token(
    http: httpx.AsyncClient, enrolled: Enrolled
) -> None:
    mfa_token = await challenge(http, enrolled.email)
    refused = await call(http, "queries/list-folders", {}, mfa_token)
    assert (401, "errors.unauthenticated") == problem_of(refused)


async def test_a_wrong_code_is_refused(http: httpx.AsyncClient, enrolled: Enrolled) -> None:
    wrong = f"{(int(code(enrolled.secret)) + 500_000) % 1_000_000:06d}"
    refused = await complete(http, await challenge(http, enrolled.email), code=wrong)
    assert (401, "identity.wrong-code") == problem_of(refused)


async def test_enrolling_again_with_mfa_on_is_refused(
    http: httpx.AsyncClient, enrolled: Enrolled
) -> None:
    mfa_token = await challenge(http, enrolled.email)
    token = (await complete(http, mfa_token, recoveryCode=enrolled.recovery_codes[4])).json()
    refused = await call(http, "commands/enroll-totp", {}, token["accessToken"])
    assert (409, "identity.totp-already-on") == problem_of(refused)


async def test_disabling_mfa_lets_a_password_log_in_again(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    email = await register(http, token_for)
    token = await log_in(http, email, PASSWORD)
    secret = (await call(http, "commands/enroll-totp", {}, token)).json()["secret"]
    await call(http, "commands/confirm-totp", {"code": code(secret)}, token)
    await challenge(http, email)
    disabled = await call(http, "commands/disable-totp", {"code": code(secret, 1)}, token)
    assert disabled.status_code == 200, disabled.text
    assert claims_of(await log_in(http, email, PASSWORD))["tid"]


async def test_a_tenant_requiring_mfa_limits_a_fresh_account_to_enrolling(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """globex requires MFA for this test only: a fresh account's token may only enroll; once
    confirmed, its next log-in asks for a code and gets a token that works."""
    admin = await token_for("admin@globex")
    policy = "commands/set-tenant-security-policy"
    assert (await call(http, policy, {"requireMfa": True}, admin)).status_code == 200
    try:
        email = await register(http, token_for, "globex")
        limited = await log_in(http, email, PASSWORD)
        refused = await call(http, "queries/list-folders", {}, limited)
        secret = (await call(http, "commands/enroll-totp", {}, limited)).json()["secret"]
        confirmed = await call(http, "commands/confirm-totp", {"code": code(secret)}, limited)
        mfa_token = await challenge(http, email, "globex")
        token = (await complete(http, mfa_token, code=code(secret, 1))).json()["accessToken"]
        folders = await call(http, "queries/list-folders", {}, token)
    finally:
        await call(http, policy, {"requireMfa": False}, admin)
    assert ("mfa-enrollment", (403, "identity.mfa-enrollment-required"), 200, 200) == (
        claims_of(limited).get("scope"),
        problem_of(refused),
        confirmed.status_code,
        folders.status_code,
    )
    assert "scope" not in claims_of(token)


async def test_wrong_codes_lock_the_account_as_wrong_passwords_do(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """Five wrong codes lock the account: the right code then gets 429, as a password would,
    so an MFA token cannot be used to try every code (from an address of this test's own)."""
    enrolled = await enroll(http, token_for)
    mfa_token = await challenge(http, enrolled.email)
    wrong = f"{(int(code(enrolled.secret)) + 500_000) % 1_000_000:06d}"
    headers = {"X-Forwarded-For": "198.51.100.52"}

    async def attempt(proof: str) -> httpx.Response:
        body = {"mfaToken": mfa_token, "code": proof}
        return await call(http, "commands/complete-log-in", body, headers=headers)

    refusals = [problem_of(await attempt(wrong)) for _ in range(5)]
    locked = await attempt(code(enrolled.secret, 1))
    assert ([(401, "identity.wrong-code")] * 5, (429, "identity.too-many-attempts")) == (
        refusals,
        problem_of(locked),
    )
