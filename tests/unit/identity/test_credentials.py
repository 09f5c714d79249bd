"""Personal access tokens and API keys as strings: shape, derived secret, expiry (decision 48)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ossature.kernel.errors import InvalidPayload
from ossature.kernel.ids import new_id
from ossature.kernel.sensitive import Secret
from ossature.modules.identity._credentials import (
    LONGEST_LIFETIME,
    Parsed,
    credential_of,
    expiry_problem,
    is_genuine,
    make_token,
    parse_token,
)
from ossature.modules.identity.commands.revoke_api_key import ApiKeyRevoked
from ossature.modules.identity.commands.revoke_personal_access_token import (
    PersonalAccessTokenRevoked,
)
from ossature.modules.identity.credentials import decide_revoke, is_credential_token
from ossature.modules.identity.fields import checked_expiry

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
TENANT, CREDENTIAL = new_id(), new_id()


def test_a_token_is_its_prefix_tenant_id_and_secret_in_103_characters() -> None:
    token = make_token(KEY, "personal-access-token", TENANT, CREDENTIAL)
    key = make_token(KEY, "api-key", TENANT, CREDENTIAL)
    assert (103, 103) == (len(token), len(key))
    assert token.startswith(f"oss_pat_{TENANT}{CREDENTIAL}")
    assert key.startswith(f"oss_key_{TENANT}{CREDENTIAL}")


def test_a_made_token_parses_back_to_what_it_names() -> None:
    token = make_token(KEY, "api-key", TENANT, CREDENTIAL)
    assert Parsed("api-key", TENANT, CREDENTIAL, Secret(token)) == parse_token(token)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "oss_pat_",
        "oss_xyz_" + "A" * 95,
        "oss_pat_" + "A" * 94,  # one short
        "oss_pat_" + "0" * 52 + "A" * 44,  # one long
        "oss_pat_" + "8" + "0" * 51 + "A" * 43,  # not a ULID (overflows 128 bits)
        "oss_pat_" + "0" * 51 + "I" + "A" * 43,  # not Crockford's base32
        "oss_pat_" + "0" * 52 + "A" * 42 + "=",  # padding is not base64url's alphabet
        "OSS_PAT_" + "0" * 52 + "A" * 43,
    ],
)
def test_anything_not_exactly_a_tokens_shape_is_refused(bad: str) -> None:
    assert parse_token(bad) is None


def test_a_token_is_genuine_only_under_the_key_and_for_the_ids_it_was_made_for() -> None:
    """The secret binds kind, tenant and id: changing any of them, or the key, breaks it."""
    token = make_token(KEY, "personal-access-token", TENANT, CREDENTIAL)
    parsed = parse_token(token)
    assert parsed is not None
    moved = token.replace(TENANT, new_id())
    as_key = "oss_key_" + token[8:]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    outcomes = [
        is_genuine(KEY, parsed),
        is_genuine(OTHER_KEY, parsed),
        *(is_genuine(KEY, p) for p in map(parse_token, (moved, as_key, forged)) if p),
    ]
    assert [True, False, False, False, False] == outcomes


def test_a_short_credential_key_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        make_token(b"short", "api-key", TENANT, CREDENTIAL)


def test_the_same_idempotency_key_names_the_same_credential_and_another_another() -> None:
    """A repeat of create-… names the credential (and so the token) of the first run."""
    key = new_id()
    first = credential_of("personal-access-token", TENANT, "A1", key)
    again = credential_of("personal-access-token", TENANT, "A1", key)
    other = credential_of("personal-access-token", TENANT, "A1", new_id())
    as_key = credential_of("api-key", TENANT, "A1", key)
    assert first == again and len({first, other, as_key}) == 3


@pytest.mark.parametrize(
    ("ahead", "problem"),
    [
        (-1, "past"),
        (0, "past"),
        (1, None),
        (LONGEST_LIFETIME, None),
        (LONGEST_LIFETIME + 1, "too-far"),
    ],
)
def test_an_expiry_must_be_in_the_future_and_at_most_a_year_ahead(
    ahead: int, problem: str | None
) -> None:
    now = 1_800_000_000
    assert problem == expiry_problem(now + ahead, now)


def test_a_refused_expiry_is_a_keyed_422_naming_the_reason() -> None:
    now = datetime(2027, 1, 1, tzinfo=UTC)
    with pytest.raises(InvalidPayload) as refused:
        checked_expiry(int(now.timestamp()) - 60, now)
    assert ("identity.invalid-expiry", "past") == (
        refused.value.key,
        refused.value.params["reason"],
    )


def test_a_credential_is_revoked_once() -> None:
    revoked = ApiKeyRevoked(key_id="K", account_id="A")
    assert [revoked] == decide_revoke([], revoked)
    assert [] == decide_revoke([revoked], revoked)
    token_revoked = PersonalAccessTokenRevoked(token_id="K", account_id="A")
    assert [token_revoked] == decide_revoke([revoked], token_revoked)


def test_only_the_two_prefixes_go_to_token_authentication() -> None:
    """Anything else, junk included, is read as a session's access token."""
    assert [True, True, False, False] == [
        is_credential_token(t) for t in ("oss_pat_x", "oss_key_", "oss_", "eyJhbGciOi")
    ]
