"""One-time tokens' rules (decision 47): form, tenant, purpose, secret, expiry, single use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from ossature.kernel.eventstore import Stream
from ossature.kernel.ids import new_id
from ossature.kernel.sensitive import Secret
from ossature.modules.identity._one_time import (
    LIFETIMES,
    OneTimeTokens,
    Purpose,
    TokenParts,
    check_use,
    issued,
    parse,
)
from ossature.modules.identity.errors import TokenExpired, TokenInvalid, TokenUsed

KEY = bytes(range(32))
TOKENS = OneTimeTokens(KEY, "https://app.example/")
TENANT, OTHER = new_id(), new_id()
ISSUED = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
PURPOSES: list[Purpose] = ["invitation", "email-verification", "password-reset"]


def test_a_token_made_by_the_key_checks_and_names_its_tenant_and_id() -> None:
    token_id = new_id()
    token = TOKENS.token("invitation", TENANT, token_id)

    parts = TOKENS.check("invitation", token, None)

    assert (TENANT, token_id) == (parts.tenant_id, parts.token_id)


def test_a_token_checks_at_its_own_tenants_request() -> None:
    token_id = new_id()
    token = TOKENS.token("password-reset", TENANT, token_id)

    assert token_id == TOKENS.check("password-reset", token, TENANT).token_id


def test_a_token_is_refused_at_another_tenants_request() -> None:
    token = TOKENS.token("invitation", TENANT, new_id())

    with pytest.raises(TokenInvalid):
        TOKENS.check("invitation", token, OTHER)


def test_a_token_whose_tenant_is_rewritten_is_refused() -> None:
    """The secret binds the tenant: naming another one in the string breaks it."""
    token = TOKENS.token("invitation", TENANT, new_id())
    forged = ".".join([OTHER, *token.split(".")[1:]])

    with pytest.raises(TokenInvalid):
        TOKENS.check("invitation", forged, None)


def test_a_token_whose_id_is_rewritten_is_refused() -> None:
    token = TOKENS.token("invitation", TENANT, new_id())
    tenant, _, secret = token.split(".")

    with pytest.raises(TokenInvalid):
        TOKENS.check("invitation", f"{tenant}.{new_id()}.{secret}", None)


@pytest.mark.parametrize("made_for", PURPOSES)
@pytest.mark.parametrize("used_for", PURPOSES)
def test_a_token_serves_only_its_own_purpose(made_for: Purpose, used_for: Purpose) -> None:
    """A reset token cannot accept an invitation, nor any other pairing."""
    token = TOKENS.token(made_for, TENANT, new_id())

    if made_for == used_for:
        TOKENS.check(used_for, token, None)
    else:
        with pytest.raises(TokenInvalid):
            TOKENS.check(used_for, token, None)


@pytest.mark.parametrize("position", [0, 10, 42])
def test_a_tampered_secret_is_refused(position: int) -> None:
    token = TOKENS.token("email-verification", TENANT, new_id())
    tenant, token_id, secret = token.split(".")
    flipped = secret[:position] + ("A" if secret[position] != "A" else "B") + secret[position + 1 :]

    with pytest.raises(TokenInvalid):
        TOKENS.check("email-verification", f"{tenant}.{token_id}.{flipped}", None)


def test_a_token_of_another_deployments_key_is_refused() -> None:
    token = OneTimeTokens(bytes(32), "https://app.example").token("invitation", TENANT, new_id())

    with pytest.raises(TokenInvalid):
        TOKENS.check("invitation", token, None)


def _valid() -> str:
    return TOKENS.token("invitation", TENANT, new_id())


@pytest.mark.parametrize(
    "malformed",
    [
        "",
        "x",
        "a.b.c",
        "..",
        _valid() + "x",
        _valid()[:-1],
        _valid() + ".extra",
        _valid().lower(),
        " " + _valid(),
        _valid() + "\n",
        _valid().replace(".", ":"),
        "é" * 100,
    ],
)
def test_malformed_strings_are_refused_and_do_not_parse(malformed: str) -> None:
    with pytest.raises(TokenInvalid):
        TOKENS.check("invitation", malformed, None)
    assert parse(malformed) is None


def test_a_well_formed_string_parses_into_its_parts() -> None:
    token_id = new_id()
    token = TOKENS.token("invitation", TENANT, token_id)

    assert TokenParts(TENANT, token_id, Secret(token.split(".")[2])) == parse(token)


def test_the_lifetimes_are_72_hours_24_hours_and_30_minutes() -> None:
    expected = {
        "invitation": timedelta(hours=72),
        "email-verification": timedelta(hours=24),
        "password-reset": timedelta(minutes=30),
    }
    assert expected == LIFETIMES


@pytest.mark.parametrize("purpose", PURPOSES)
def test_a_token_is_good_until_the_last_instant_of_its_lifetime(purpose: Purpose) -> None:
    check_use(purpose, ISSUED, False, ISSUED + LIFETIMES[purpose] - timedelta(microseconds=1))


@pytest.mark.parametrize("purpose", PURPOSES)
def test_a_token_expires_at_the_end_of_its_lifetime(purpose: Purpose) -> None:
    with pytest.raises(TokenExpired):
        check_use(purpose, ISSUED, False, ISSUED + LIFETIMES[purpose])


@pytest.mark.parametrize("purpose", PURPOSES)
def test_a_used_token_is_refused_even_within_its_lifetime(purpose: Purpose) -> None:
    with pytest.raises(TokenUsed):
        check_use(purpose, ISSUED, True, ISSUED)


def test_a_used_and_expired_token_says_used() -> None:
    with pytest.raises(TokenUsed):
        check_use("password-reset", ISSUED, True, ISSUED + timedelta(days=30))


def test_a_token_id_never_issued_is_invalid() -> None:
    with pytest.raises(TokenInvalid):
        issued(Stream(new_id(), ()), "invitation")


def test_the_link_carries_the_token_to_the_web_apps_page() -> None:
    token_id = new_id()

    link = urlsplit(TOKENS.link("password-reset", TENANT, token_id))

    expected = (
        "https",
        "app.example",
        "/reset-password",
        [TOKENS.token("password-reset", TENANT, token_id)],
    )
    assert expected == (link.scheme, link.netloc, link.path, parse_qs(link.query)["token"])


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        OneTimeTokens(b"short", "https://app.example")
