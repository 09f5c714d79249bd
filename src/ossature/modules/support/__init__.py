"""Support: problem reports and their investigations, kept in the reporter's tenant.

This table is the module: its commands (one file each under `commands/`), queries, event
types, projections and notices. The application refuses to start when it contradicts itself.
"""

from pathlib import Path

from ossature.kernel.module import Anyone, AnyScope, CommandSpec, Module, QuerySpec
from ossature.modules.support.commands import report_problem, resolve_investigation
from ossature.modules.support.projections import investigations
from ossature.modules.support.queries import (
    ListInvestigations,
    ListMyReports,
    list_investigations,
    list_my_reports,
)
from ossature.modules.support.state import InvestigationEvent

__all__ = ["MODULE"]

EVENTS: list[type[InvestigationEvent]] = [
    report_problem.ProblemReported,
    resolve_investigation.InvestigationResolved,
]

MODULE = Module(
    name="support",
    commands=[
        CommandSpec(
            "report-problem",
            report_problem.ReportProblem,
            report_problem.report_problem,
            Anyone(),
        ),
        CommandSpec(
            "resolve-investigation",
            resolve_investigation.ResolveInvestigation,
            resolve_investigation.resolve_investigation,
            AnyScope("platform.support"),
        ),
    ],
    queries=[
        QuerySpec("list-my-reports", ListMyReports, list_my_reports, Anyone()),
        QuerySpec(
            "list-investigations",
            ListInvestigations,
            list_investigations,
            AnyScope("platform.support"),
        ),
    ],
    events=EVENTS,
    projections=[investigations(EVENTS)],
    notices=[resolve_investigation.NOTICE],
    root=Path(__file__).parent,
    product=False,  # the platform's own: always on, never metered
)
