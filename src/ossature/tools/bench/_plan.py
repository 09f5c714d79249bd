"""What each scenario sends: picklable plans that a generator process turns into request bytes."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass

from ulid import ULID

from ossature.tools.bench._http import encode_request

__all__ = ["Plan"]


@dataclass(frozen=True)
class Plan:
    """One scenario's requests: where they go, as whom, into which folder.

    `fresh_key` sends a new Idempotency-Key with each request (a command that must run each
    time); `numbered` gives each body a project name no other request of any round uses (a
    name taken in the folder would be undone by the saga `project-names`: another workload).
    """

    scenario: str
    host: str
    port: int
    path: str
    token: str
    folder_id: str
    fresh_key: bool
    numbered: bool

    def requests(self, generator: int) -> Iterator[bytes]:
        """An endless supply of this plan's requests, for generator process number `generator`."""
        if not self.numbered and not self.fresh_key:
            constant = self._request({"folderId": self.folder_id}, {})
            return itertools.repeat(constant)
        return iter(lambda: self._numbered(generator), b"")

    def _numbered(self, generator: int) -> bytes:
        unique = str(ULID())  # a new name each round too: the generators start again each round
        body = {"folderId": self.folder_id, "name": f"bench {generator}-{unique}"}
        return self._request(body, {"Idempotency-Key": unique} if self.fresh_key else {})

    def _request(self, body: dict[str, str], extra: dict[str, str]) -> bytes:
        headers = {"Authorization": f"Bearer {self.token}", **extra}
        encoded = json.dumps(body, separators=(",", ":")).encode()
        return encode_request(f"{self.host}:{self.port}", self.path, headers, encoded)
