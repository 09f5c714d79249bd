"""MFA tokens: signed by the ring, with an audience of their own, short-lived."""

from __future__ import annotations

import pytest

from ossature.modules.identity._mfa_tokens import (
    MFA_TOKEN_LIFETIME,
    MfaClaims,
    challenge,
    issue_mfa,
    verify_mfa,
)
from ossature.modules.identity._tokens import AccessClaims, InvalidToken, KeyRing, SigningKey

NOW = 1_800_000_000
CLAIMS = MfaClaims(
    "01JACCOUNT0000000000000000", "01JTENANT00000000000000000", "01JT", NOW, NOW + 300
)
RING = KeyRing(SigningKey.generate())


def reason(call: object) -> str:
    try:
        call()  # type: ignore[operator]
    except InvalidToken as refused:
        return refused.reason
    return "valid"


def test_an_mfa_token_verifies_to_its_claims() -> None:
    assert CLAIMS == verify_mfa(RING, issue_mfa(RING, CLAIMS), NOW + 60)


def test_an_mfa_token_is_refused_once_expired() -> None:
    token = issue_mfa(RING, CLAIMS)
    assert "expired" == reason(lambda: verify_mfa(RING, token, NOW + MFA_TOKEN_LIFETIME + 10))


def test_an_mfa_token_is_never_accepted_as_an_access_token() -> None:
    """Its audience is `ossature-mfa`: the access tokens' strict audience check refuses it."""
    token = challenge(RING, "a1", "t1", NOW)["mfaToken"]
    assert "claims" == reason(lambda: RING.verify(token, NOW + 1))


def test_an_access_token_is_never_accepted_as_an_mfa_token() -> None:
    claims = AccessClaims("a1", "t1", "s1", "en", (), NOW, NOW, NOW + 900, "j1")
    token = RING.issue(claims)
    assert "claims" == reason(lambda: verify_mfa(RING, token, NOW + 1))


def test_an_mfa_token_of_another_ring_is_refused() -> None:
    token = issue_mfa(KeyRing(SigningKey.generate()), CLAIMS)
    assert "unknown-key" == reason(lambda: verify_mfa(RING, token, NOW + 1))


def test_an_mfa_token_living_longer_than_five_minutes_is_refused() -> None:
    long = MfaClaims("a1", "t1", "j1", NOW, NOW + MFA_TOKEN_LIFETIME + 1)
    assert "claims" == reason(lambda: verify_mfa(RING, issue_mfa(RING, long), NOW + 1))


def test_a_tampered_mfa_token_is_refused() -> None:
    head, body, signature = issue_mfa(RING, CLAIMS).split(".")
    forged = f"{head}.{body[:-2]}{'A' if body[-2] != 'A' else 'B'}{body[-1]}.{signature}"
    assert "valid" != reason(lambda: verify_mfa(RING, forged, NOW + 1))


def test_the_challenge_says_mfa_is_required_and_names_the_account_and_tenant() -> None:
    answer = challenge(RING, "a1", "t1", NOW)
    claims = verify_mfa(RING, answer["mfaToken"], NOW)
    assert (True, "a1", "t1", NOW + 300) == (
        answer["mfaRequired"],
        claims.account_id,
        claims.tenant_id,
        claims.expires_at,
    )


@pytest.mark.parametrize("scope", [None, "mfa-enrollment"])
def test_an_access_tokens_scope_survives_the_round_trip(scope: str | None) -> None:
    claims = AccessClaims("a1", "t1", "s1", "en", (), NOW, NOW, NOW + 900, "j1", scope)
    assert scope == RING.verify(RING.issue(claims), NOW).scope
