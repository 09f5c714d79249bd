"""Refresh tokens as strings, the refresh rule and the choice of a locale, all pure
(decision 58)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ossature.kernel.ids import new_id
from ossature.modules.identity._credentials import (
    make_refresh_token,
    make_token,
    parse_refresh_token,
    parse_token,
)
from ossature.modules.identity.commands.refresh_session import SessionRefreshed, decide_refresh
from ossature.modules.identity.commands.set_my_locale import LocaleSet, decide_locale
from ossature.modules.identity.errors import LocaleUnsupported, SessionEnded

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
TENANT, SESSION, ACCOUNT = new_id(), new_id(), new_id()
NOW = datetime(2026, 12, 3, 21, 0, tzinfo=UTC)
IDLE = 12 * 3600


def test_a_refresh_token_names_its_tenant_and_session_in_102_characters() -> None:
    token = make_refresh_token(KEY, TENANT, SESSION)
    assert (102, True) == (len(token), token.startswith(f"oss_rt_{TENANT}{SESSION}"))
    assert (TENANT, SESSION) == parse_refresh_token(KEY, token)


def test_a_refresh_token_is_never_a_bearer_token() -> None:
    """The gateway's token parser does not take it: it only ever goes to refresh-session."""
    assert parse_token(make_refresh_token(KEY, TENANT, SESSION)) is None


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "oss_rt_",
        make_refresh_token(KEY, TENANT, SESSION)[:-1],
        make_refresh_token(KEY, TENANT, SESSION) + "A",
        make_refresh_token(OTHER_KEY, TENANT, SESSION),  # forged: another key's secret
        make_refresh_token(KEY, TENANT, SESSION)[:-1] + "B",
        make_refresh_token(KEY, TENANT, SESSION).replace("oss_rt_", "oss_xx_"),
        make_token(KEY, "personal-access-token", TENANT, SESSION),
        "oss_rt_" + "é" * 95,
    ],
)
def test_anything_but_a_genuine_refresh_token_names_nothing(bad: str) -> None:
    assert parse_refresh_token(KEY, bad) is None


def _session(**changes: Any) -> dict[str, Any]:
    row = {
        "account_id": ACCOUNT,
        "credential_id": SESSION,
        "ended_at": None,
        "deactivated_at": None,
        "refreshable_until": NOW + timedelta(minutes=1),
    }
    return {**row, **changes}


def test_an_open_session_is_refreshed_and_its_idle_window_starts_again() -> None:
    expected = SessionRefreshed(
        account_id=ACCOUNT,
        session_id=SESSION,
        expires_at=1234,
        refreshable_until=int(NOW.timestamp()) + IDLE,
    )
    assert expected == decide_refresh(_session(), NOW, 1234, IDLE)


@pytest.mark.parametrize(
    "changes",
    [
        {"ended_at": NOW - timedelta(seconds=1)},  # logged out, or its password changed
        {"deactivated_at": NOW - timedelta(seconds=1)},
        {"refreshable_until": NOW},  # idle for the whole window
        {"refreshable_until": None},  # an impersonation, or a session from before refreshes
    ],
)
def test_a_session_ended_lapsed_or_not_refreshable_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(SessionEnded):
        decide_refresh(_session(**changes), NOW, 1234, IDLE)


def test_an_unknown_session_is_refused_as_an_ended_one() -> None:
    with pytest.raises(SessionEnded):
        decide_refresh(None, NOW, 1234, IDLE)


def test_a_new_locale_is_set_and_the_same_one_sets_nothing() -> None:
    assert [LocaleSet(account_id=ACCOUNT, locale="ar")] == decide_locale(ACCOUNT, "en", "ar")
    assert [] == decide_locale(ACCOUNT, "fr", "fr")


def test_a_locale_without_catalogs_is_refused_with_the_ones_offered() -> None:
    with pytest.raises(LocaleUnsupported) as refused:
        decide_locale(ACCOUNT, "en", "de")
    assert {"locale": "de", "supported": "en, fr, ar"} == refused.value.params
