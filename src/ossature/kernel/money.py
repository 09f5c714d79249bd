"""Money: an integer amount of a currency's minor unit (cents, yen, fils) and its ISO 4217 code.

No float ever holds an amount. A decimal text ("29.00", "0.5") is read exactly, and refused
when it has more decimals than the currency's minor unit (Babel's precision: 2 for EUR, 0 for
JPY, 3 for KWD). Amounts of two currencies never mix: adding them raises CurrencyMismatch.

Two operations divide an amount, and each says where its minor units go (decision 79):
`allocate` shares a total by weights with the largest-remainder method, so the shares sum to
the total exactly; `prorate` takes a fraction of an amount rounded half to even.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TypedDict

from babel.numbers import get_currency_precision, is_currency

__all__ = ["CurrencyMismatch", "Money", "MoneyJson", "allocate", "minor_digits", "prorate"]


class CurrencyMismatch(ValueError):
    """Two amounts of different currencies were combined."""


class MoneyJson(TypedDict):
    """Money on the wire: minor units and the currency, never a float."""

    amount: int
    currency: str


def minor_digits(currency: str) -> int:
    """The digits of `currency`'s minor unit; ValueError for a code ISO 4217 does not know."""
    if len(currency) != 3 or not currency.isupper() or not is_currency(currency):
        raise ValueError(f"{currency!r} is not an ISO 4217 currency code")
    return int(get_currency_precision(currency))


@dataclass(frozen=True, order=False)
class Money:
    """`amount` minor units of `currency` (2900 EUR is 29.00 EUR)."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError("an amount is a whole number of minor units")
        minor_digits(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """`"29.00"` of EUR is Money(2900, "EUR"); ValueError for a text that is not a number
        or has more decimals than the currency's minor unit."""
        digits = minor_digits(currency)
        try:
            value = Decimal(text.strip())
        except InvalidOperation:
            raise ValueError(f"{text!r} is not an amount") from None
        if not value.is_finite():
            raise ValueError(f"{text!r} is not an amount")
        minor = value.scaleb(digits)
        if minor != minor.to_integral_value():
            raise ValueError(f"{text!r} has more than {digits} decimals for {currency}")
        return cls(int(minor), currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def times(self, count: int) -> Money:
        """This amount `count` times (a whole number: a block price times the blocks)."""
        return Money(self.amount * count, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency}")

    def as_json(self) -> MoneyJson:
        return {"amount": self.amount, "currency": self.currency}

    def decimal(self) -> Decimal:
        """The amount in the currency's major unit, exactly (for display only)."""
        return Decimal(self.amount).scaleb(-minor_digits(self.currency))

    def __str__(self) -> str:
        return f"{self.decimal():f} {self.currency}"


def allocate(total: Money, weights: Sequence[int]) -> list[Money]:
    """`total` shared in proportion to `weights` (whole numbers, not all zero): each share is
    the exact share rounded down, then the minor units left over go one each to the shares
    with the largest remainders (ties: the earlier). The shares sum to `total` exactly and
    each is within one minor unit of its exact value; a zero weight gets nothing."""
    whole = sum(weights)
    if any(weight < 0 for weight in weights) or whole == 0:
        raise ValueError("weights are whole numbers, not all zero")
    sign, units = (-1, -total.amount) if total.amount < 0 else (1, total.amount)
    shares = [divmod(units * weight, whole) for weight in weights]
    left = units - sum(share for share, _ in shares)
    ranked = sorted(range(len(shares)), key=lambda index: (-shares[index][1], index))
    extra = set(ranked[:left])
    return [
        Money(sign * (share + (index in extra)), total.currency)
        for index, (share, _) in enumerate(shares)
    ]


def prorate(amount: Money, numerator: int, denominator: int) -> Money:
    """`amount` * `numerator` / `denominator` (denominator > 0), rounded to the minor unit,
    half to even: the rounding that favours neither side over many amounts."""
    if denominator <= 0:
        raise ValueError("the denominator is positive")
    quotient, remainder = divmod(amount.amount * numerator, denominator)
    if 2 * remainder > denominator or (2 * remainder == denominator and quotient % 2 == 1):
        quotient += 1
    return Money(quotient, amount.currency)
