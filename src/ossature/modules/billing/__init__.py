"""Billing: what each tenant used and owes. Every successful command of a product module is
metered in its own transaction, counted against the plan's quota, and billed when its cycle
closes (the plans themselves are tenancy's catalog, decision 70).

This table is the module: its commands (one file each under `commands/`), queries, event
types and projections. The application refuses to start when it contradicts itself.
"""

from pathlib import Path

from ossature.kernel.module import AtFolder, Module, QuerySpec
from ossature.modules.billing import queries
from ossature.modules.billing.projections import CYCLES

__all__ = ["MODULE"]

MODULE = Module(
    name="billing",
    root=Path(__file__).parent,
    product=False,  # the platform's own: always on, never metered
    queries=[
        QuerySpec(
            "get-usage",
            queries.GetUsage,
            queries.get_usage,
            AtFolder("billing.read", queries.tenant_root),
        ),
    ],
    projections=[CYCLES],
)
