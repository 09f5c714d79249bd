"""The embedded PostgreSQL and NATS servers behind `ossature up` and the test suite."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import asyncpg
import nats
import psutil
import pytest

import ossature
from ossature.engines import EmbeddedEngines, EngineEndpoints, EngineError
from ossature.engines.nats_auth import NatsCredentials

MQTT_CONNECT = b"\x10\x0e\x00\x04MQTT\x04\x02\x00\x3c\x00\x02t1"  # MQTT 3.1.1, client "t1"
MQTT_CONNACK_NOT_AUTHORIZED = b"\x20\x02\x00\x05"
CHILD_OWNER = """
import pathlib, sys
from ossature.engines import EmbeddedEngines
with EmbeddedEngines(pathlib.Path(sys.argv[1])):
    print("started", flush=True)
    sys.stdin.read()
"""


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineEndpoints]:
    with EmbeddedEngines(tmp_path_factory.mktemp("engines") / "var") as running:
        yield running


def test_postgres_answers_on_a_unix_socket_only(endpoints: EngineEndpoints) -> None:
    """PostgreSQL answers queries through its socket and listens on no TCP address."""
    # when
    answers = asyncio.run(fetch(endpoints.database_url, "select 1", "show listen_addresses"))
    # then
    assert answers == [1, ""]


def test_postgres_accepts_at_least_200_connections(endpoints: EngineEndpoints) -> None:
    """The server allows the 200 connections that test and benchmark pools need."""
    # when
    [max_connections] = asyncio.run(fetch(endpoints.database_url, "show max_connections"))
    # then
    assert int(str(max_connections)) >= 200


def test_postgres_makes_new_wal_files_without_filling_them_with_zeros(
    endpoints: EngineEndpoints,
) -> None:
    """A commit that needs a new WAL file does not wait for 16 MB of zeros (decision 138)."""
    # when
    [init_zero] = asyncio.run(fetch(endpoints.database_url, "show wal_init_zero"))
    # then
    assert init_zero == "off"


def test_jetstream_drops_a_repeated_message_id(endpoints: EngineEndpoints) -> None:
    """Publishing twice with one Nats-Msg-Id stores one message and flags the repeat."""
    # when
    duplicates, stored = asyncio.run(publish_twice(endpoints))
    # then
    assert (duplicates, stored) == ([None, True], 1)


def test_mqtt_listener_refuses_a_client_without_a_token(endpoints: EngineEndpoints) -> None:
    """The MQTT port answers an MQTT 3.1.1 CONNECT without credentials: not authorized."""
    # when
    with connect(endpoints.mqtt_url) as client:
        client.sendall(MQTT_CONNECT)
        reply = client.recv(4)
    # then
    assert reply == MQTT_CONNACK_NOT_AUTHORIZED


def test_nats_refuses_a_connection_without_credentials(endpoints: EngineEndpoints) -> None:
    """Without the services' nkey, a NATS client goes through the callout and is refused.

    nats-py raises the server's Authorization Violation, or, when its handshake reads the
    server's close before that line (it then neither raises nor connects), hands back a
    client that is not connected: never a connected one."""
    # when
    outcome = asyncio.run(_connect_without_credentials(endpoints.nats_url))
    # then
    assert "Authorization Violation" in outcome or outcome == "not connected", outcome


async def _connect_without_credentials(url: str) -> str:
    try:
        client = await nats.connect(
            servers=url.split(","), allow_reconnect=False, connect_timeout=5
        )
    except nats.errors.Error as error:
        return str(error)
    connected = client.is_connected
    with contextlib.suppress(nats.errors.Error):
        await client.close()
    return "connected" if connected else "not connected"


def test_websocket_listener_upgrades_at_the_mqtt_path(endpoints: EngineEndpoints) -> None:
    """The websocket port upgrades an HTTP request for /mqtt without TLS."""
    # when
    with connect(endpoints.websocket_url) as client:
        client.sendall(websocket_upgrade(endpoints.websocket_url))
        status_line = client.recv(4096).split(b"\r\n", 1)[0]
    # then
    assert status_line == b"HTTP/1.1 101 Switching Protocols"


def test_data_and_ports_survive_a_restart(tmp_path: pathlib.Path) -> None:
    """A table created before stop() is there after the next start(), on the same URLs."""
    # given
    engines = EmbeddedEngines(tmp_path / "var")
    with engines as first:
        asyncio.run(fetch(first.database_url, "create table kept (id int)"))
    # when
    with engines as second:
        [table] = asyncio.run(fetch(second.database_url, "select to_regclass('kept')::text"))
    # then
    assert ("kept", first) == (table, second)


def test_stop_leaves_no_process_behind(tmp_path: pathlib.Path) -> None:
    """After stop(), called twice, no postgres or nats-server process of the var dir is left."""
    # given
    var_dir = tmp_path / "var"
    engines = EmbeddedEngines(var_dir)
    engines.start()
    running = {process.name() for process in processes_using(var_dir)}
    # when
    engines.stop()
    engines.stop()
    # then
    assert ({"postgres", "nats-server"}, []) == (running, processes_using(var_dir))


def test_a_killed_owner_takes_its_engines_and_the_next_start_serves(
    tmp_path: pathlib.Path,
) -> None:
    """SIGKILL of the owning process: its servers exit too; a start() after it copes with
    what they left (pid files, a database that was not shut down) and serves."""
    # given
    var_dir = tmp_path / "var"
    # when
    signal_an_owner_of(var_dir, signal.SIGKILL)
    wait_for(lambda: processes_using(var_dir) == [])
    with EmbeddedEngines(var_dir) as endpoints:
        answers = asyncio.run(fetch(endpoints.database_url, "select 1"))
    # then
    assert ([1], []) == (answers, processes_using(var_dir))


def test_start_stops_a_server_left_running_by_an_older_owner(tmp_path: pathlib.Path) -> None:
    """A nats-server that is nobody's child (as an older version, or an operator, left it) on
    the var dir's configuration is stopped by the next start, which then serves."""
    # given
    var_dir = tmp_path / "var"
    with EmbeddedEngines(var_dir):
        pass  # leaves the configuration behind
    config = var_dir / "nats" / "nats.conf"
    left = subprocess.Popen([nats_binary(), "-c", str(config)], start_new_session=True)
    # when
    with EmbeddedEngines(var_dir) as endpoints:
        answers = asyncio.run(fetch(endpoints.database_url, "select 1"))
        stopped = left.poll() is not None
    left.wait()
    # then
    assert ([1], True) == (answers, stopped)


@pytest.mark.parametrize("engine", ["postgres", "nats"])
def test_a_killed_engine_is_restarted_on_the_same_endpoints(
    tmp_path: pathlib.Path, engine: str
) -> None:
    """SIGKILL of one server: the supervisor starts it again where it was, and says its new
    pid in engines.json."""
    # given
    var_dir = tmp_path / "var"
    with EmbeddedEngines(var_dir) as endpoints:
        killed = pids_of(var_dir)[engine]
        # when
        os.kill(killed, signal.SIGKILL)
        wait_for(lambda: pids_of(var_dir)[engine] not in (killed, 0))
        answers = asyncio.run(fetch(endpoints.database_url, "select 1"))
        published = asyncio.run(publish_twice(endpoints, f"S{engine}"))
    # then
    assert ([1], ([None, True], 1)) == (answers, published)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_terminated_owner_stops_its_engines(tmp_path: pathlib.Path, signum: int) -> None:
    """SIGTERM or Ctrl-C (SIGINT) to the owning process stops both servers before it exits."""
    # given
    var_dir = tmp_path / "var"
    # when
    signal_an_owner_of(var_dir, signum)
    # then
    assert processes_using(var_dir) == []


def test_a_var_dir_has_one_owner_at_a_time(tmp_path: pathlib.Path) -> None:
    """A second owner of a running var dir is refused and leaves the first one serving."""
    # given
    with EmbeddedEngines(tmp_path / "var") as endpoints:
        # when
        with pytest.raises(EngineError, match="in use"):
            EmbeddedEngines(tmp_path / "var").start()
        # then
        assert asyncio.run(fetch(endpoints.database_url, "select 1")) == [1]


async def fetch(database_url: str, *queries: str) -> list[object]:
    connection = await asyncpg.connect(database_url)
    try:
        return [await connection.fetchval(query) for query in queries]
    finally:
        await connection.close()


async def publish_twice(
    endpoints: EngineEndpoints, stream: str = "ENGINES"
) -> tuple[list[bool | None], int]:
    credentials = NatsCredentials.embedded(pathlib.Path(endpoints.nats_credentials))
    client = await nats.connect(
        servers=endpoints.nats_url.split(","), **credentials.service.connect_options()
    )
    try:
        jetstream = client.jetstream()
        await jetstream.add_stream(name=stream, subjects=[f"{stream.lower()}.>"])
        headers = {"Nats-Msg-Id": "message-1"}
        acks = [await jetstream.publish(f"{stream.lower()}.t", b"x", headers=headers) for _ in "ab"]
        info = await jetstream.stream_info(stream)
        return [ack.duplicate for ack in acks], info.state.messages
    finally:
        await client.close()


def connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    return socket.create_connection((parts.hostname, parts.port), timeout=5)


def websocket_upgrade(url: str) -> bytes:
    parts = urlsplit(url)
    return (
        f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n"
    ).encode()


def signal_an_owner_of(var_dir: pathlib.Path, signum: int) -> None:
    """Start the engines in a child Python process, send it `signum`, wait for its exit."""
    source = str(pathlib.Path(ossature.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-c", CHILD_OWNER, str(var_dir)]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env) as child:
        assert child.stdout is not None
        assert child.stdout.readline() == b"started\n"
        child.send_signal(signum)


def pids_of(var_dir: pathlib.Path) -> dict[str, int]:
    """The servers' current pids, as the owner publishes them in engines.json."""
    found = json.loads((var_dir / "engines.json").read_text())
    return {"postgres": found["postgres_pid"], "nats": found["nats_pid"]}


def wait_for(condition: Callable[[], bool], deadline: float = 60.0) -> None:
    """Poll `condition` until true; fail after a generous `deadline`."""
    until = time.monotonic() + deadline
    while not condition():
        assert time.monotonic() < until, f"not within {deadline} s"
        time.sleep(0.05)


def nats_binary() -> str:
    return str(pathlib.Path(sysconfig.get_path("scripts")) / "nats-server")


def processes_using(var_dir: pathlib.Path) -> list[psutil.Process]:
    """Live processes whose command line or working directory lies in `var_dir`."""
    found = []
    for process in psutil.process_iter(["cmdline", "cwd", "status"]):
        if process.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        places = [*(process.info["cmdline"] or []), process.info["cwd"] or ""]
        if any(place.startswith(str(var_dir)) for place in places):
            found.append(process)
    return found
