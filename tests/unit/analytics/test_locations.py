"""The allow-list: which SQLite paths and PostgreSQL URLs a tenant may configure."""

from __future__ import annotations

from pathlib import Path

import pytest

from ossature.modules.analytics._locations import (
    AllowList,
    PostgresTarget,
    parse_postgresql,
    server_prefix,
)
from ossature.modules.analytics.errors import LocationNotAllowed

ALLOWED = AllowList.parse(
    ["/srv/sources/", "postgresql://db.internal", "postgresql://%2Frun%2Fpg:5433", ""]
)


def refusal(kind: str, location: str) -> str:
    with pytest.raises(LocationNotAllowed) as refused:
        ALLOWED.check(kind, location)
    return str(refused.value.params["reason"])


def test_a_file_inside_an_allowed_directory_is_allowed() -> None:
    """A path under an allowed directory is its own real path."""
    assert Path("/srv/sources/crm/app.sqlite3") == ALLOWED.check(
        "sqlite", "/srv/sources/crm/app.sqlite3"
    )


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("/srv/other/app.sqlite3", "outside"),
        ("/srv/sources", "outside"),
        ("/srv/sources-evil/app.sqlite3", "outside"),
        ("/srv/sources/../secrets/key", "escapes"),
        ("/srv/sources/crm/../app.sqlite3", "escapes"),
        ("sources/app.sqlite3", "path"),
        ("file:///srv/sources/app.sqlite3", "path"),
        ("/srv/sources/app\x00.sqlite3", "path"),
    ],
)
def test_paths_outside_or_escaping_are_refused(location: str, reason: str) -> None:
    """Outside the directories, the directory itself, `..` even when it stays inside, relative."""
    assert reason == refusal("sqlite", location)


def test_a_relative_location_is_read_from_the_var_directory() -> None:
    """With the var directory as base, `sources/crm.db` is the file under it, and allowed."""
    allowed = AllowList.parse(["/srv/var/sources/"], base=Path("/srv/var"))
    assert Path("/srv/var/sources/crm.db") == allowed.check("sqlite", "sources/crm.db")


@pytest.mark.parametrize(
    ("location", "reason"),
    [("sources/../secrets/key", "escapes"), ("secrets/key", "outside"), ("", "path")],
)
def test_a_relative_location_cannot_leave_the_allowed_directories(
    location: str, reason: str
) -> None:
    """Read from the var directory, a relative path is held to the allow-list all the same."""
    allowed = AllowList.parse(["/srv/var/sources/"], base=Path("/srv/var"))
    with pytest.raises(LocationNotAllowed) as refused:
        allowed.check("sqlite", location)
    assert reason == refused.value.params["reason"]


def test_a_url_on_an_allowed_host_is_parsed_into_exactly_what_is_used() -> None:
    """User, password, database and port come from the URL; the host is compared lower-cased."""
    target = ALLOWED.check(
        "postgresql",
        # pragma: allowlist nextline secret: a made-up URL under test
        "postgresql://ro:s%40cret@DB.internal:6543/crm?sslmode=require",
    )
    assert PostgresTarget("db.internal", 6543, "ro", "s@cret", "crm", "require") == target


def test_a_socket_directory_is_a_host_written_either_way() -> None:
    """`?host=/run/pg` and a percent-encoded host name the same socket directory."""
    by_parameter = ALLOWED.check("postgresql", "postgresql://ro@/crm?host=/run/pg&port=5433")
    by_host = ALLOWED.check("postgresql", "postgresql://ro@%2Frun%2Fpg:5433/crm")
    assert by_parameter == by_host == PostgresTarget("/run/pg", 5433, "ro", None, "crm")


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("postgresql://ro@db.internal.evil.com/crm", "outside"),
        ("postgresql://ro@/crm?host=/run/pg", "outside"),
        ("postgresql://ro@db.internal,evil.com/crm", "host"),
        ("postgresql://ro@db.internal/crm?host=evil.com", "host"),
        ("postgresql://ro@/crm", "host"),
        ("postgresql://ro@db.internal/crm?sslrootcert=/etc/passwd", "parameters"),
        ("postgresql://ro@db.internal/crm?passfile=/etc/passwd", "parameters"),
        ("postgresql://ro@db.internal/crm?service=x", "parameters"),
        ("postgresql://ro@db.internal/crm?sslmode=require&sslmode=disable", "parameters"),
        ("postgresql://ro@db.internal:99999/crm", "port"),
        ("postgresql://ro@/crm?host=/run/pg/../tmp&port=5433", "escapes"),
        ("mysql://ro@db.internal/crm", "url"),
        ("postgresql://ro@db.internal/crm#x", "url"),
        ("postgresql://ro@db.internal/crm/more", "url"),
    ],
)
def test_urls_naming_other_servers_or_files_are_refused(location: str, reason: str) -> None:
    """Other hosts, several hosts, other ports, file-reading parameters, odd URLs."""
    assert reason == refusal("postgresql", location)


def test_an_entry_without_a_port_allows_any_port_of_its_host() -> None:
    """`postgresql://db.internal` admits 5432 and 6543 alike."""
    ports = [
        ALLOWED.check("postgresql", f"postgresql://db.internal:{p}/x").port for p in (5432, 6543)
    ]
    assert [5432, 6543] == ports


def test_the_kind_decides_how_a_location_is_read() -> None:
    """A URL is not a SQLite path, nor a path a PostgreSQL URL."""
    assert ("path", "url") == (
        refusal("sqlite", "postgresql://db.internal/x"),
        refusal("postgresql", "/srv/sources/app.sqlite3"),
    )


def test_the_server_prefix_of_a_url_allows_that_server() -> None:
    """The entry made from a URL (how tests allow their own cluster) admits that URL."""
    url = "postgresql://postgres:@/postgres?host=/tmp/pg-socket"
    allowed = AllowList.parse([server_prefix(url)])
    assert ("postgresql://%2Ftmp%2Fpg-socket:5432", "/tmp/pg-socket") == (
        server_prefix(url),
        allowed.check("postgresql", url).host,
    )


def test_a_target_never_shows_its_fields() -> None:
    """A parsed location's repr hides it, so that a traceback cannot print it."""
    assert "PostgresTarget(<secret>)" == repr(parse_postgresql("postgresql://u:pw@h/db"))
