"""The rules of report-problem and resolve-investigation: pure, no engines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ossature.kernel.errors import DomainError
from ossature.modules.support.commands.report_problem import (
    Failure,
    ReportProblem,
    check_reportable,
    decide_report,
    retry_outcome,
)
from ossature.modules.support.commands.resolve_investigation import decide_resolve
from ossature.modules.support.kept import Kept, Retried
from ossature.modules.support.state import replay

NOW = datetime(2026, 12, 3, 21, 0, tzinfo=UTC)
FAILED = Failure("ann", 500, "rename-project")


def key_of(error: pytest.ExceptionInfo[DomainError]) -> tuple[int, str]:
    return error.value.status, error.value.key


@pytest.mark.parametrize(
    ("failure", "reported", "expected"),
    [
        (None, None, (404, "support.invocation-not-found")),
        (Failure("bob", 500, "x"), None, (404, "support.invocation-not-found")),
        (Failure("ann", 403, "x"), None, (422, "support.not-a-failure")),
        (FAILED, "INV1", (409, "support.already-reported")),
    ],
)
def test_only_ones_own_unreported_5xx_may_be_reported(
    failure: Failure | None, reported: str | None, expected: tuple[int, str]
) -> None:
    with pytest.raises(DomainError) as refused:
        check_reportable("I1", "ann", failure, reported)
    assert expected == key_of(refused)


def kept(payload: dict[str, str] | None) -> Kept:
    return Kept("I1", "K1", "ann", "command", "rename-project", 500, payload, NOW)


@pytest.mark.parametrize(
    ("made", "retried", "expected"),
    [
        (kept({"name": "x"}), Retried(200, "R", None), "succeeded"),
        (kept({"name": "x"}), Retried(503, "R", "errors.unavailable"), "failed"),
        (kept({"name": "x"}), Retried(409, "R", "projects.archived"), "refused"),
        (kept(None), None, "secret"),
        (None, None, "not-kept"),
    ],
)
def test_the_retry_outcome_says_what_became_of_it_or_why_there_was_none(
    made: Kept | None, retried: Retried | None, expected: str
) -> None:
    assert expected == retry_outcome(made, retried)


def test_a_report_then_its_resolution_fold_into_a_resolved_investigation() -> None:
    """The state after both events holds the retry, the answer and who gave it."""
    cmd = ReportProblem(invocation_id="I1", description="  it broke  ")
    opened = decide_report(
        "INV1", cmd, FAILED, NOW, "failed", Retried(500, "R1", "errors.internal")
    )
    first = replay([opened], 1)
    resolved = decide_resolve(first, " Fixed. ", "op", NOW)
    after = replay([opened, *resolved], 2)
    assert ("it broke", "failed", 500, "R1", "resolved", "Fixed.", "op", 2) == (
        after.description,
        after.retry,
        after.retry_status,
        after.retry_invocation_id,
        after.status,
        after.answer,
        after.resolved_by,
        after.version,
    )


def test_a_resolved_investigation_is_not_resolved_again() -> None:
    cmd = ReportProblem(invocation_id="I1")
    opened = decide_report("INV1", cmd, FAILED, NOW, "not-kept", None)
    resolved = replay([opened, *decide_resolve(replay([opened], 1), "a", "op", NOW)], 2)
    with pytest.raises(DomainError) as refused:
        decide_resolve(resolved, "again", "op", NOW)
    assert (409, "support.already-resolved") == key_of(refused)
