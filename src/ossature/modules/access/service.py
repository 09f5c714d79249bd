"""Authorization for the runtime and for handlers: the Rego policy plus the tenant's folder tree."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ossature.kernel.context import Context
from ossature.kernel.database import Database
from ossature.kernel.errors import Denied, Unauthenticated
from ossature.kernel.module import Anyone, AnyScope, AtFolder, Authorization, Public
from ossature.modules.access._decide import AccessPolicy, GrantLike
from ossature.modules.tenancy.chains import FolderChains
from ossature.modules.tenancy.errors import FolderNotFound
from ossature.modules.tenancy.projections import chain_of, folder_chains

__all__ = ["AccessService"]


class AccessService:
    """Decides once per invocation, from the grants snapshot in the context.

    Folder chains are read once per process and remembered (see `tenancy.chains`).
    """

    def __init__(
        self, policy: AccessPolicy, db: Database, chains: FolderChains | None = None
    ) -> None:
        self.policy, self.db = policy, db
        self.chains = FolderChains() if chains is None else chains

    def on(self, db: Database) -> AccessService:
        """The same decisions, reading folders through `db` (an invocation's transaction)."""
        return AccessService(self.policy, db, self.chains)

    async def authorize(
        self, ctx: Context, rule: Authorization[Any], payload: Any, deps: Any
    ) -> str | None:
        """Raise Unauthenticated or Denied unless `rule` admits the invocation; the folder
        it decided at (AtFolder's), None for a rule of no folder (the meter then counts the
        operation at the tenant's root, decision 75)."""
        if isinstance(rule, Public):
            return None
        if ctx.access is None:
            raise Unauthenticated()
        if isinstance(rule, Anyone):
            return None
        if isinstance(rule, AnyScope):
            scopes = [grant.folder_id for grant in ctx.access.grants]
            if not self.policy.allows(ctx.access.grants, rule.action, scopes):
                raise Denied({"action": rule.action})
            return None
        assert isinstance(rule, AtFolder)
        folder_id = await rule.folder_of(ctx, payload, deps)
        chain = await self.chain(ctx, folder_id)
        if not self.policy.allows(ctx.access.grants, rule.action, chain):
            raise Denied({"action": rule.action})
        return folder_id

    async def chain(self, ctx: Context, folder_id: str) -> list[str]:
        """The folder's chain up to the root; FolderNotFound when not in the actor's tenant."""
        known = self.chains.get(ctx.tenant_id, folder_id)
        if known is not None:
            return list(known)
        async with self.db.transaction(ctx.tenant_id, readonly=True) as conn:
            chain = await chain_of(conn, folder_id)
        if chain is None:
            raise FolderNotFound({"folderId": folder_id})
        self.chains.remember(ctx.tenant_id, folder_id, chain)
        return chain

    def granting_folders(self, ctx: Context, action: str) -> frozenset[str]:
        """The folders in whose subtrees the actor may do `action` (no read: the grants say)."""
        if ctx.access is None:
            return frozenset()
        return self.policy.granting(ctx.access.grants, action)

    async def visible_folders(self, ctx: Context, action: str) -> frozenset[str]:
        if ctx.access is None:
            return frozenset()
        async with self.db.transaction(ctx.tenant_id, readonly=True) as conn:
            chains = await folder_chains(conn)
        return self.policy.visible(ctx.access.grants, action, chains)

    async def actions_at(self, ctx: Context, folder_id: str) -> frozenset[str]:
        if ctx.access is None:
            return frozenset()
        return self.policy.actions(ctx.access.grants, await self.chain(ctx, folder_id))

    async def allows_anywhere(self, ctx: Context, action: str, folders: Sequence[str]) -> bool:
        return ctx.access is not None and self.policy.allows(ctx.access.grants, action, folders)

    async def audience(
        self,
        ctx: Context,
        rule: Authorization[Any],
        payload: Any,
        deps: Any,
        principals: Mapping[str, Sequence[GrantLike]],
        answers: dict[tuple[str, tuple[str, ...] | None], frozenset[str]] | None = None,
    ) -> frozenset[str]:
        """The principals (id → grants) whom `rule` admits for `payload`: `authorize`, for many.

        The folder is resolved once, in `ctx`'s tenant; principals holding the same grants
        share one decision. `answers` keeps the audience by action and folder chain across
        calls made with the same `principals` (a notifier's batch for one tenant).
        """
        if isinstance(rule, Public | Anyone):
            return frozenset(principals)
        chain = None
        if isinstance(rule, AtFolder):
            chain = await self.chain(ctx, await rule.folder_of(ctx, payload, deps))
        key = (rule.action, None if chain is None else tuple(chain))
        if answers is not None and key in answers:
            return answers[key]
        admitted = self._admitted(rule.action, chain, principals)
        if answers is not None:
            answers[key] = admitted
        return admitted

    def _admitted(
        self,
        action: str,
        chain: Sequence[str] | None,
        principals: Mapping[str, Sequence[GrantLike]],
    ) -> frozenset[str]:
        decided: dict[tuple[tuple[str, str], ...], bool] = {}
        for grants in principals.values():
            key = tuple(sorted((grant.role, grant.folder_id) for grant in grants))
            if key not in decided:
                scope = chain if chain is not None else [folder for _, folder in key]
                decided[key] = self.policy.allows(grants, action, scope)
        return frozenset(
            principal
            for principal, grants in principals.items()
            if decided[tuple(sorted((grant.role, grant.folder_id) for grant in grants))]
        )
