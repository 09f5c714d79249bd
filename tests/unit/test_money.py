"""Money: exact arithmetic in minor units, allocation by largest remainder, proration half to
even."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ossature.kernel.money import CurrencyMismatch, Money, allocate, prorate

amounts = st.integers(min_value=-(10**12), max_value=10**12)
currencies = st.sampled_from(["EUR", "JPY", "KWD", "USD"])
weights = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30).filter(
    lambda ws: sum(ws) > 0
)


@given(amounts, amounts, amounts, currencies)
def test_addition_is_associative_and_subtraction_undoes_it(
    a: int, b: int, c: int, cur: str
) -> None:
    x, y, z = Money(a, cur), Money(b, cur), Money(c, cur)
    assert (x + y) + z == x + (y + z)
    assert (x + y) - y == x
    assert x + (-x) == Money.zero(cur)


@given(amounts, st.integers(min_value=0, max_value=10**6), currencies)
def test_times_is_repeated_addition(a: int, n: int, cur: str) -> None:
    assert Money(a, cur).times(n) == Money(a * n, cur)


@given(amounts, amounts)
def test_amounts_of_two_currencies_never_mix(a: int, b: int) -> None:
    with pytest.raises(CurrencyMismatch):
        Money(a, "EUR") + Money(b, "USD")


@given(amounts, currencies)
def test_parse_reads_back_what_str_writes(a: int, cur: str) -> None:
    money = Money(a, cur)
    assert Money.parse(f"{money.decimal():f}", cur) == money


@given(amounts, weights, currencies)
def test_allocation_sums_exactly_and_each_share_is_within_one_unit(
    a: int, ws: list[int], cur: str
) -> None:
    """The shares add up to the total, and each differs from its exact share by less than one
    minor unit."""
    shares = allocate(Money(a, cur), ws)
    assert a == sum(share.amount for share in shares)
    assert {cur} == {share.currency for share in shares}
    for share, weight in zip(shares, ws, strict=True):
        assert abs(Fraction(share.amount) - Fraction(a * weight, sum(ws))) < 1


@given(amounts, weights)
def test_a_zero_weight_gets_nothing(a: int, ws: list[int]) -> None:
    shares = allocate(Money(a, "EUR"), [*ws, 0])
    assert Money(0, "EUR") == shares[-1]


def test_leftover_units_go_to_the_largest_remainders_and_ties_to_the_earlier() -> None:
    assert [34, 33, 33] == [m.amount for m in allocate(Money(100, "EUR"), [1, 1, 1])]
    assert [1, 2] == [m.amount for m in allocate(Money(3, "EUR"), [1, 2])]
    assert [-34, -33, -33] == [m.amount for m in allocate(Money(-100, "EUR"), [1, 1, 1])]
    assert [50, 17, 33] == [m.amount for m in allocate(Money(100, "EUR"), [3, 1, 2])]


def test_allocating_by_no_weight_at_all_is_refused() -> None:
    with pytest.raises(ValueError, match="not all zero"):
        allocate(Money(100, "EUR"), [0, 0])
    with pytest.raises(ValueError, match="not all zero"):
        allocate(Money(100, "EUR"), [2, -1])


@given(amounts, st.integers(min_value=0, max_value=10**7), st.integers(1, 10**7))
def test_proration_is_the_exact_value_rounded_half_to_even(a: int, n: int, d: int) -> None:
    exact = Fraction(a * n, d)
    prorated = prorate(Money(a, "EUR"), n, d).amount
    assert abs(Fraction(prorated) - exact) <= Fraction(1, 2)
    if abs(Fraction(prorated) - exact) == Fraction(1, 2):
        assert 0 == prorated % 2


@given(amounts, st.integers(1, 10**7))
def test_a_whole_period_prorates_to_the_amount(a: int, d: int) -> None:
    assert Money(a, "EUR") == prorate(Money(a, "EUR"), d, d)


def test_halves_round_to_the_even_unit() -> None:
    assert [2, 2, 4, -2] == [prorate(Money(m, "EUR"), 1, 2).amount for m in (3, 5, 7, -3)]
    assert 967 == prorate(Money(2900, "EUR"), 10, 30).amount  # 966.67


def test_proration_over_no_period_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        prorate(Money(100, "EUR"), 1, 0)
