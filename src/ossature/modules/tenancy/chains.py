"""Folder chains remembered in the process: a chain read once stays true.

A folder's chain (itself, then its ancestors up to the root) is fixed when the folder is
created: the tenancy module has no command that moves or removes a folder (its events are
`CHAIN_EVENTS`, and a test holds it to them). So a chain, once read, may be served from
memory for as long as the process lives, and an authorization at a folder costs no read.
A folder that is not found is not remembered: it may be created the next moment.

A module that adds a folder move must invalidate this cache on the move's event.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CHAIN_EVENTS", "FOLDERLESS_EVENTS", "FolderChains"]

CHAIN_EVENTS = frozenset({"tenant-created", "folder-created"})
# Tenancy events that touch no folder: listed so that a new event is a choice made here.
FOLDERLESS_EVENTS = frozenset(
    {
        "tenant-security-policy-set",
        "tenant-plan-set",
        "module-enabled",
        "module-disabled",
        "tenant-feature-set",
        "tenant-key-rotated",
    }
)
_SIZE = 50_000  # about 15 MB of chains at most


class FolderChains:
    """A bounded map of (tenant, folder) to the folder's chain; the oldest entry goes first."""

    def __init__(self, size: int = _SIZE) -> None:
        self.size = size
        self._chains: dict[tuple[str | None, str], tuple[str, ...]] = {}

    def get(self, tenant_id: str | None, folder_id: str) -> tuple[str, ...] | None:
        """The chain of `folder_id` in `tenant_id`, if it has been read before."""
        return self._chains.get((tenant_id, folder_id))

    def remember(self, tenant_id: str | None, folder_id: str, chain: Sequence[str]) -> None:
        """Keep the chain read for `folder_id` in `tenant_id`."""
        if len(self._chains) >= self.size:
            self._chains.pop(next(iter(self._chains)))
        self._chains[(tenant_id, folder_id)] = tuple(chain)

    def __len__(self) -> int:
        return len(self._chains)
