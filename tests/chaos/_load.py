"""A bounded load of create-project commands, each with its own Idempotency-Key.

Every command is either acknowledged (200 and a projectId) or left unanswered (no answer,
a 5xx, a 503): those are retried with the same key until answered, as a client would.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx
from ulid import ULID

__all__ = ["Load", "Sent"]


@dataclass
class Sent:
    """One command: its key and name, and its projectId once acknowledged."""

    key: str
    name: str
    project_id: str | None = None


@dataclass
class Load:
    """Clients creating projects back to back until stopped."""

    base_url: str
    token: str
    folder_id: str
    phase: str
    sent: list[Sent] = field(default_factory=list)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    warmed: asyncio.Event = field(default_factory=asyncio.Event)  # 40 acknowledged

    async def run(self, clients: int = 8) -> None:
        """Send until `stopping` is set."""
        limits = httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=self.base_url, timeout=10, limits=limits) as http:
            await asyncio.gather(*(self._client(http, n) for n in range(clients)))

    async def _client(self, http: httpx.AsyncClient, n: int) -> None:
        while not self.stopping.is_set():
            sent = Sent(str(ULID()), f"chaos-{self.phase}-{n}-{len(self.sent)}")
            self.sent.append(sent)
            if not await self.send(http, sent):
                await asyncio.sleep(0.05)  # the system is down: do not spin

    async def send(self, http: httpx.AsyncClient, sent: Sent) -> bool:
        """One attempt; True when acknowledged."""
        try:
            answer = await http.post(
                "/commands/create-project",
                json={"folderId": self.folder_id, "name": sent.name},
                headers={"Authorization": f"Bearer {self.token}", "Idempotency-Key": sent.key},
            )
        except httpx.HTTPError:
            return False
        if answer.status_code == 200:
            sent.project_id = str(answer.json()["projectId"])
            if len(self.acknowledged) >= 40:
                self.warmed.set()
            return True
        assert answer.status_code >= 500, (answer.status_code, answer.text)  # never refused
        return False

    async def retry_unanswered(self, deadline: float = 90.0) -> None:
        """Send each unanswered command again with its key until all are acknowledged."""
        loop = asyncio.get_running_loop()
        until = loop.time() + deadline
        async with httpx.AsyncClient(base_url=self.base_url, timeout=10) as http:
            for sent in self.sent:
                while sent.project_id is None:
                    assert loop.time() < until, f"{sent} still unanswered after {deadline} s"
                    if not await self.send(http, sent):
                        await asyncio.sleep(0.2)

    @property
    def acknowledged(self) -> list[Sent]:
        return [s for s in self.sent if s.project_id is not None]
