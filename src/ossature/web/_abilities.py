"""What the signed-in user's tenant has, and what the user may do, as the server says it.

`get-my-capabilities` answers the tenant's plan, its product modules (on or off), its
features and the user's unmet requirements; `get-my-permissions` at the folders of the
user's grants answers the actions. Both are asked once per page, side by side, before the
page's own calls. The web app keeps no list of who may do what: a nav item names the module,
feature or action the server's answers are read for (decision 86).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ossature.sdk import Client, Json, OssatureError

__all__ = ["Abilities", "NavItem", "Needs", "load_abilities", "nav_entries"]


@dataclass(frozen=True)
class Needs:
    """What a page needs: a product module, a feature switched on, an action anywhere."""

    module: str | None = None
    feature: str | None = None
    action: str | None = None


class NavItem(NamedTuple):
    path: str
    key: str  # its catalog key
    needs: Needs = Needs()


@dataclass(frozen=True)
class Abilities:
    """The server's answers for this user; `capabilities` is None when it gave none (the
    pages then grey nothing out: the server still refuses what the tenant has not got)."""

    capabilities: Json | None = None
    actions: frozenset[str] = field(default_factory=frozenset)

    def has_module(self, module: str) -> bool:
        modules: Mapping[str, Any] = (self.capabilities or {}).get("modules") or {}
        return bool(modules.get(module, True))

    def feature(self, name: str) -> Any:
        features: Mapping[str, Any] = (self.capabilities or {}).get("features") or {}
        return features.get(name)

    def has_feature(self, name: str) -> bool:
        return self.capabilities is None or bool(self.feature(name))

    def has(self, needs: Needs) -> bool:
        """The tenant has the module and the feature `needs` names (the plan's matter)."""
        module_ok = needs.module is None or self.has_module(needs.module)
        return module_ok and (needs.feature is None or self.has_feature(needs.feature))

    def may(self, needs: Needs) -> bool:
        """The user may perform the action `needs` names, at some folder of their grants."""
        return needs.action is None or needs.action in self.actions

    @property
    def unmet(self) -> list[Json]:
        return list((self.capabilities or {}).get("unmet") or [])

    @property
    def plan(self) -> str | None:
        plan = (self.capabilities or {}).get("plan")
        return str(plan) if plan else None


async def load_abilities(client: Client, claims: Json) -> Abilities:
    """The capabilities and the actions, asked side by side; what fails is left unknown."""
    capabilities, actions = await asyncio.gather(_capabilities(client), _actions(client, claims))
    return Abilities(capabilities, actions)


async def _capabilities(client: Client) -> Json | None:
    try:
        return await client.get_my_capabilities()
    except OssatureError:
        return None


async def _actions(client: Client, claims: Json) -> frozenset[str]:
    """The actions the user may perform at any folder of their grants."""
    folders = sorted({str(grant["folderId"]) for grant in claims.get("roles", [])})
    try:
        answers = await asyncio.gather(*(client.get_my_permissions(f) for f in folders))
    except OssatureError:
        return frozenset()
    return frozenset(action for actions in answers for action in actions)


def nav_entries(nav: list[NavItem], abilities: Abilities | None) -> list[dict[str, Any]]:
    """The header's links for this user: an item whose action the user may not perform is
    left out; one of a module or feature the tenant has not got is drawn unavailable, its
    reason beside it (its page says who can change that)."""
    known = abilities or Abilities()
    return [
        {"path": item.path, "key": item.key, "available": known.has(item.needs)}
        for item in nav
        if item.needs.action is None or (abilities is not None and abilities.may(item.needs))
    ]
