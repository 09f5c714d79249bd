"""What forget-account leaves behind, read as raw bytes (decisions 89 and 93).

An `ossature up` of this module's own, on embedded engines, so that their files are known:
PostgreSQL's data folder (var/postgres: base/, global/, pg_wal/ and the rest, its own log
included), NATS's JetStream store (var/nats) and the system's own output (server.log). A person
registers with a unique email and name, logs in and asks for a password reset (the mail goes
out: the Maildir, var/mail, is the person's inbox, outside the search); an admin creates a
project with a unique name, the control; the admin forgets the person; PostgreSQL writes a
checkpoint and the system stops. Then every file is searched: the email and the name occur
nowhere, the control name does occur in PostgreSQL's files and in JetStream's (so the search
can see data stored as the personal fields are: small text in a jsonb payload and a column,
never TOAST-compressed). `-s` prints the report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from tests.blackbox._api import System, call, eventually, log_in, new_ulid
from tests.blackbox._mail import mailed_token
from tests.blackbox._up import PASSWORD, free_port, start_up, stop_up, wait_ready


@dataclass(frozen=True)
class Place:
    """One place searched: how many files and bytes, and the hits of each needle."""

    name: str
    files: int
    size: int
    hits: dict[str, int]


def _files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and not path.name.endswith(".sock"):
            yield path


def _search(name: str, paths: list[Path], needles: dict[str, bytes]) -> Place:
    files = size = 0
    hits = dict.fromkeys(needles, 0)
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:  # a socket or a file gone meanwhile
            continue
        files, size = files + 1, size + len(data)
        for label, needle in needles.items():
            hits[label] += data.count(needle)
    return Place(name, files, size, hits)


async def test_a_forgotten_persons_email_and_name_are_nowhere_in_the_stores_or_the_logs(
    tmp_path: Path,
) -> None:
    unique = new_ulid().lower()
    email, name = f"forget-{unique}@acme.test", f"Zephyrine Oubli {unique[-10:]}"
    control = f"Control project {unique[-10:]}"
    port, log_path = free_port(), tmp_path / "server.log"
    process = start_up(tmp_path, port, log_path, external=False)
    base_url = f"http://127.0.0.1:{port}"
    system = System(base_url, PASSWORD, tmp_path, log_path)
    try:
        wait_ready(process, base_url, log_path)
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
            await _live_and_forget(http, system, email, name, control)
        engines = json.loads((tmp_path / "engines.json").read_text())
        conn = await asyncpg.connect(engines["database_url"])
        try:
            await conn.execute("checkpoint")
        finally:
            await conn.close()
    finally:
        code = stop_up(process)
    assert 0 == code

    needles = {"email": email.encode(), "name": name.encode(), "control": control.encode()}
    pgdata = tmp_path / "postgres"
    folders = [pgdata / "base", pgdata / "global", pgdata / "pg_wal"]
    rest = [p for p in _files(pgdata) if not any(f in p.parents for f in folders)]
    postgres = [_search(f"pg {f.name}/", list(_files(f)), needles) for f in folders]
    places = [
        *postgres,
        _search("pg rest", rest, needles),  # its own log, pg_xact, configuration...
        _search("jetstream", list(_files(tmp_path / "nats")), needles),
        _search("logs", [log_path], needles),
    ]
    print(f"\nforget-account grep: email={email!r} name={name!r} control={control!r}")
    for place in places:
        print(f"  {place.name:<11} files={place.files:<5} bytes={place.size:<11} hits={place.hits}")
    assert all(place.files > 0 for place in places)
    assert [(p.name, 0, 0) for p in places] == [
        (p.name, p.hits["email"], p.hits["name"]) for p in places
    ]
    in_postgres = sum(p.hits["control"] for p in postgres)
    assert (True, True) == (in_postgres > 0, places[-2].hits["control"] > 0)


async def _live_and_forget(
    http: httpx.AsyncClient, system: System, email: str, name: str, control: str
) -> None:
    admin = await log_in(http, "admin@acme.test", PASSWORD)
    account = {"email": email, "displayName": name, "password": PASSWORD}
    registered = await call(http, "commands/register-account", account, admin)
    assert registered.status_code == 200, registered.text
    account_id = registered.json()["accountId"]
    await log_in(http, email, PASSWORD)
    reset = await call(http, "commands/request-password-reset", {"tenant": "acme", "email": email})
    assert reset.status_code == 200, reset.text
    await mailed_token(system, email, "/reset-password")  # the sink opened the address
    folders = (await call(http, "queries/list-folders", {}, admin)).json()["folders"]
    made = await call(
        http,
        "commands/create-project",
        {"folderId": folders[0]["folderId"], "name": control},
        admin,
    )
    assert made.status_code == 200, made.text
    listed = await eventually(
        lambda: call(http, "queries/list-projects", {}, admin),
        lambda answer: control in {p["name"] for p in answer.json()["projects"]},
        within=30,
    )
    assert control in {p["name"] for p in listed.json()["projects"]}

    forgotten = await call(http, "commands/forget-account", {"accountId": account_id}, admin)

    assert forgotten.status_code == 200, forgotten.text
    accounts = (await call(http, "queries/list-accounts", {}, admin)).json()["accounts"]
    shown = next(a for a in accounts if a["accountId"] == account_id)
    refused = await call(
        http, "commands/log-in", {"tenant": "acme", "email": email, "password": PASSWORD}
    )
    assert ("[forgotten]", "[forgotten]", 401) == (
        shown["email"],
        shown["displayName"],
        refused.status_code,
    )
