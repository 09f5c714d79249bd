"""A cluster's node configuration: a name of its own, routes to the others, MQTT's replicas."""

from __future__ import annotations

import pathlib

from ossature.engines._nats import NatsNode, NatsPorts, cluster_ports, nats_config
from ossature.engines.nats_auth import NatsCredentials
from ossature.kernel.config import Settings


def test_a_single_server_has_no_cluster_block(tmp_path: pathlib.Path) -> None:
    credentials = NatsCredentials.embedded(tmp_path / "credentials")
    config = nats_config(tmp_path, NatsPorts(4222, 1883, 8080), credentials)
    assert (True, False) == (config.startswith("server_name: ossature\n"), "cluster {" in config)


def test_a_node_routes_to_the_other_nodes_and_keeps_mqtt_on_three(tmp_path: pathlib.Path) -> None:
    credentials = NatsCredentials.embedded(tmp_path / "credentials")
    node = NatsNode("ossature-2", routes=(6001, 6002, 6003))
    config = nats_config(tmp_path, NatsPorts(4222, 1883, 8080, cluster=6002), credentials, node)
    routes = '"nats-route://127.0.0.1:6001", "nats-route://127.0.0.1:6003"'
    assert [True, True, True, True] == [
        config.startswith("server_name: ossature-2\n"),
        'listen: "127.0.0.1:6002"' in config,
        f"routes: [ {routes} ]" in config,
        "stream_replicas: 3" in config,
    ]


def test_a_clusters_ports_are_all_distinct() -> None:
    chosen = cluster_ports(3)
    numbers = [
        n for ports in chosen for n in (ports.client, ports.mqtt, ports.websocket, ports.cluster)
    ]
    assert (12, 12) == (len(numbers), len(set(numbers)))


def test_the_cluster_size_comes_from_the_environment() -> None:
    assert (1, 3) == (
        Settings.from_env({}).nats_cluster,
        Settings.from_env({"OSSATURE_NATS_CLUSTER": "3"}).nats_cluster,
    )
