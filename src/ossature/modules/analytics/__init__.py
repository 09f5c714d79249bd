"""Analytics, the platform's data-engineering module: logins per day from Ossature's own
events and from the databases of other applications, extracted on a schedule.

This table is the module: its commands (one file each under `commands/`), queries, event
types and projections. The application refuses to start when it contradicts itself.
"""

from pathlib import Path

from ossature.kernel.module import AnyScope, AtFolder, CommandSpec, Feature, Module, QuerySpec
from ossature.modules.analytics.commands import configure_login_source, run_login_extract
from ossature.modules.analytics.projections import LOGIN_SOURCES, LOGINS_PER_DAY
from ossature.modules.analytics.queries import (
    CountLoginsPerDay,
    CountSourceLoginsPerDay,
    ListLoginSources,
    count_logins_per_day,
    count_source_logins_per_day,
    list_login_sources,
)
from ossature.modules.analytics.scope import tenant_root
from ossature.modules.analytics.state import LoginSourceEvent

__all__ = ["MODULE"]

EVENTS: list[type[LoginSourceEvent]] = [configure_login_source.LoginSourceConfigured]
# Logins from other applications' databases: sold apart from the counts of Ossature's own.
EXTERNAL_SOURCES = Feature("analytics.external-sources", default=False)

MODULE = Module(
    name="analytics",
    commands=[
        CommandSpec(
            "configure-login-source",
            configure_login_source.ConfigureLoginSource,
            configure_login_source.configure_login_source,
            AtFolder("analytics.configure", tenant_root),
            feature=EXTERNAL_SOURCES.name,
        ),
        CommandSpec(
            "run-login-extract",
            run_login_extract.RunLoginExtract,
            run_login_extract.run_login_extract,
            AtFolder("analytics.extract", tenant_root),
            feature=EXTERNAL_SOURCES.name,
        ),
    ],
    queries=[
        QuerySpec(
            "count-logins-per-day",
            CountLoginsPerDay,
            count_logins_per_day,
            AnyScope("analytics.read"),
        ),
        QuerySpec(
            "count-source-logins-per-day",
            CountSourceLoginsPerDay,
            count_source_logins_per_day,
            AnyScope("analytics.read"),
            feature=EXTERNAL_SOURCES.name,
        ),
        QuerySpec(
            "list-login-sources",
            ListLoginSources,
            list_login_sources,
            AnyScope("analytics.read"),
            feature=EXTERNAL_SOURCES.name,
        ),
    ],
    events=EVENTS,
    projections=[LOGINS_PER_DAY, LOGIN_SOURCES],
    features=[EXTERNAL_SOURCES],
    root=Path(__file__).parent,
)
