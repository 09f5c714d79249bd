"""The invoicing rule: a cycle's metered operations and its plan's terms give lines that sum to
the total exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ossature.kernel.money import Money
from ossature.modules.billing.invoicing import Terms, Usage, bill, month_of
from ossature.modules.tenancy.catalog import load_catalog

STARTER = Terms("starter", Money(2900, "EUR"), 1000, 100, Money(200, "EUR"))
DECEMBER = datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)

usages = st.lists(
    st.builds(
        Usage,
        st.sampled_from(["projects", "analytics"]),
        st.sampled_from(["f1", "f2", "f3", None]),
        st.integers(min_value=0, max_value=5000),
    ),
    max_size=12,
)


def test_within_the_included_operations_only_the_base_fee_is_due() -> None:
    invoice = bill(STARTER, *DECEMBER, [Usage("projects", "f1", 600), Usage("projects", "f2", 400)])
    assert Money(2900, "EUR") == invoice.total
    assert (0, Money(0, "EUR"), 1000) == (invoice.blocks, invoice.consumption, invoice.operations)
    assert [("base", 2900), ("operations", 0), ("operations", 0)] == [
        (line.kind, line.amount.amount) for line in invoice.lines
    ]


def test_a_started_block_counts_and_is_shared_by_operations() -> None:
    """1001 operations start one block of 2 EUR, shared 600:401 by the largest remainder."""
    invoice = bill(STARTER, *DECEMBER, [Usage("projects", "f2", 401), Usage("projects", "f1", 600)])
    assert (1, Money(200, "EUR"), Money(3100, "EUR")) == (
        invoice.blocks,
        invoice.consumption,
        invoice.total,
    )
    assert [("1", None, 0, 2900), ("2", "f1", 600, 120), ("3", "f2", 401, 80)] == [
        (line.line_id, line.folder_id, line.operations, line.amount.amount)
        for line in invoice.lines
    ]


def test_a_cycle_closed_early_pays_its_share_of_the_month() -> None:
    """Ten days of December's 31 is 2900 * 10/31 = 935.48… cents, so 935."""
    start = DECEMBER[0]
    invoice = bill(STARTER, start, start + timedelta(days=10), [])
    assert Money(935, "EUR") == invoice.total
    assert 1 == len(invoice.lines)


def test_the_rest_of_a_month_closed_early_pays_the_rest() -> None:
    """The two parts of a month split early pay the fee to within one cent."""
    cut = DECEMBER[0] + timedelta(days=10, hours=3)
    first = bill(STARTER, DECEMBER[0], cut, []).total.amount
    second = bill(STARTER, cut, DECEMBER[1], []).total.amount
    assert abs(2900 - (first + second)) <= 1


@given(usages)
def test_lines_sum_to_the_total_and_their_operations_to_the_metered_count(
    usage: list[Usage],
) -> None:
    invoice = bill(STARTER, *DECEMBER, usage)
    assert invoice.total == sum((line.amount for line in invoice.lines), Money(0, "EUR"))
    assert sum(u.operations for u in usage) == invoice.operations
    assert invoice.operations == sum(line.operations for line in invoice.lines)
    beyond = max(0, invoice.operations - STARTER.included)
    assert invoice.blocks * 100 >= beyond > (invoice.blocks - 1) * 100


@given(usages)
def test_every_line_is_within_one_cent_of_its_exact_share(usage: list[Usage]) -> None:
    invoice = bill(STARTER, *DECEMBER, usage)
    for line in invoice.lines[1:]:
        exact = invoice.consumption.amount * line.operations / invoice.operations
        assert abs(line.amount.amount - exact) < 1


def test_the_catalog_s_plans_are_terms() -> None:
    team = Terms.of(load_catalog().plans["team"])
    assert ("team", "EUR") == (team.plan, team.base_fee.currency)


def test_month_of_gives_the_calendar_month_in_utc() -> None:
    assert DECEMBER == month_of(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))
    assert (datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC)) == month_of(
        datetime(2027, 2, 14, tzinfo=UTC)
    )
