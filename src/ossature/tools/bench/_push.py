"""Push under load: one extra client renames its own project every INTERVAL s while the
create-project load runs, and times each rename from its HTTP answer to its MQTT message.

The client is the bench's account, subscribed to its own notification topic (as
benchmarks/push_latency.py does); it runs in a thread of the bench's process with its own
event loop, so the generators' processes stay as they are. Other notifications (the load's
projects) arrive on the same topic and are skipped before decoding. A rename whose message
has not come within LOST_AFTER s of its answer is counted as lost, never dropped.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiomqtt
import httpx
from ulid import ULID

from ossature.tools.bench._load import Window
from ossature.tools.bench._ratios import PushRound

__all__ = [
    "INTERVAL",
    "LOST_AFTER",
    "ProbeRound",
    "PushProbe",
    "mqtt_client",
    "notification_topic",
    "prepare_probe",
]

INTERVAL = 0.1
LOST_AFTER = 30.0
_RENAMED = b"project-renamed"


@dataclass(frozen=True)
class PushProbe:
    """The renaming client's system, account and project."""

    url: str
    mqtt_url: str
    token: str
    project_id: str


def prepare_probe(url: str, token: str, folder_id: str) -> PushProbe:
    """Make the project the probe renames, in the run's folder."""
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(ULID())}
    with httpx.Client(base_url=url, timeout=30) as http:
        mqtt_url = http.get("/.well-known/ossature-configuration").json()["mqtt"]["url"]
        body = {"folderId": folder_id, "name": "push probe"}
        made = http.post("/commands/create-project", json=body, headers=headers)
        made.raise_for_status()
    return PushProbe(url, str(mqtt_url), token, str(made.json()["projectId"]))


@dataclass
class ProbeRound:
    """One round's probe, renaming over `window` in its own thread."""

    probe: PushProbe
    result: PushRound | None = None
    failure: BaseException | None = None
    _thread: threading.Thread | None = field(default=None, repr=False)

    def start(self, window: Window) -> None:
        """Rename from the window's start to its end (called once the window is known)."""
        self._thread = threading.Thread(target=self._run, args=(window,), daemon=True)
        self._thread.start()

    def finish(self) -> PushRound | None:
        """The round's figures, once every rename has arrived or been given up on; None when
        the client failed (`failure` says why)."""
        if self._thread is not None:
            self._thread.join(LOST_AFTER + 30)
        return None if self.failure is not None else self.result

    def _run(self, window: Window) -> None:
        try:
            self.result = asyncio.run(_probe(self.probe, window))
        except Exception as error:  # any failure is the bench's to report, with the others
            self.failure = error


async def _probe(probe: PushProbe, window: Window) -> PushRound:
    arrivals: dict[str, float] = {}
    arrived = asyncio.Event()
    async with (
        mqtt_client(probe.mqtt_url, probe.token) as client,
        httpx.AsyncClient(base_url=probe.url, timeout=10) as http,
    ):
        await client.subscribe(notification_topic(probe.token))
        reader = asyncio.create_task(_read(client, arrivals, arrived))
        answered, errors = await _rename(http, probe, window)
        await _until_arrived(answered, arrivals, arrived)
        reader.cancel()
    latencies = [arrivals[name] - at for name, at in answered.items() if name in arrivals]
    return PushRound(latencies, lost=len(answered) - len(latencies), errors=errors)


async def _rename(
    http: httpx.AsyncClient, probe: PushProbe, window: Window
) -> tuple[dict[str, float], int]:
    """Rename every INTERVAL s inside the window: each name and when its answer came."""
    answered: dict[str, float] = {}
    errors, due = 0, window.start
    headers = {"Authorization": f"Bearer {probe.token}"}
    while (now := time.monotonic()) < window.end:
        await asyncio.sleep(max(0.0, due - now))
        name = f"push {secrets.token_hex(6)}"
        body = {"projectId": probe.project_id, "name": name}
        key = {"Idempotency-Key": str(ULID())}
        try:
            answer = await http.post("/commands/rename-project", json=body, headers=headers | key)
        except httpx.TransportError:
            errors += 1
        else:
            if answer.status_code == 200:
                answered[name] = time.monotonic()
            else:
                errors += 1
        due = max(due + INTERVAL, time.monotonic())
    return answered, errors


async def _until_arrived(
    answered: dict[str, float], arrivals: dict[str, float], arrived: asyncio.Event
) -> None:
    deadline = max(answered.values(), default=time.monotonic()) + LOST_AFTER
    while any(name not in arrivals for name in answered):
        arrived.clear()
        left = deadline - time.monotonic()
        if left <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(arrived.wait(), left)


async def _read(client: aiomqtt.Client, arrivals: dict[str, float], arrived: asyncio.Event) -> None:
    async for message in client.messages:
        payload = bytes(message.payload or b"")
        if _RENAMED not in payload:
            continue  # the load's own notifications
        at = time.monotonic()
        name = json.loads(payload).get("params", {}).get("projectName")
        if isinstance(name, str):
            arrivals.setdefault(name, at)
            arrived.set()


def mqtt_client(mqtt_url: str, token: str) -> aiomqtt.Client:
    """An MQTT client signed in as the token's account (its tenant and the token itself)."""
    parts, claims = urlsplit(mqtt_url), _claims(token)
    return aiomqtt.Client(
        parts.hostname or "127.0.0.1",
        parts.port or 1883,
        username=claims["tid"],
        password=token,
        identifier=f"{claims['sub']}-bench-{secrets.token_hex(4)}",
        protocol=aiomqtt.ProtocolVersion.V311,
    )


def notification_topic(token: str) -> str:
    """The topic of the token's account's own notifications."""
    claims = _claims(token)
    return f"tenants/{claims['tid']}/users/{claims['sub']}/notifications"


def _claims(token: str) -> dict[str, str]:
    body = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))
