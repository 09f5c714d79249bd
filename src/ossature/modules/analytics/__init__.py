"""Analytics: timeseries derived from events (logins per day)."""

from pathlib import Path

from ossature.kernel.module import AnyScope, Module, QuerySpec
from ossature.modules.analytics.projections import LOGINS_PER_DAY
from ossature.modules.analytics.queries import CountLoginsPerDay, count_logins_per_day

__all__ = ["MODULE"]

MODULE = Module(
    name="analytics",
    queries=[
        QuerySpec(
            "count-logins-per-day",
            CountLoginsPerDay,
            count_logins_per_day,
            AnyScope("analytics.read"),
        ),
    ],
    projections=[LOGINS_PER_DAY],
    root=Path(__file__).parent,
)
