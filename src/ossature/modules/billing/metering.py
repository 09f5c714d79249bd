"""The meter's two lines in the pipeline: what a command's commit meters, and the refusal
its statement raises when the tenant has used its quota (decision 75)."""

from __future__ import annotations

import json

import asyncpg

from ossature.kernel.meter import Meter
from ossature.kernel.module import Module
from ossature.modules.billing.errors import QUOTA_EXCEEDED, QuotaExceeded

__all__ = ["meter_of", "quota_refusal"]


def meter_of(module: Module, folder_id: str | None) -> Meter | None:
    """The meter of a command of `module` that acted in `folder_id` (the folder its
    authorization decided at; None: the tenant's root). Platform modules are never metered."""
    return Meter(module.name, folder_id) if module.product else None


def quota_refusal(error: asyncpg.PostgresError) -> QuotaExceeded | None:
    """The refusal a commit's meter raised (`ossature_meter_commit`), or None for any other
    error."""
    if getattr(error, "sqlstate", None) != QUOTA_EXCEEDED:
        return None
    detail = json.loads(getattr(error, "detail", None) or "{}")
    return QuotaExceeded({"quota": detail.get("quota"), "plan": detail.get("plan")})
