"""The credit-note rule: the invoice's currency, never more than what is left of it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ossature.kernel.errors import DomainError
from ossature.modules.billing.commands.issue_credit_note import (
    CreditAmount,
    IssueCreditNote,
    decide_credit,
)

NOW = datetime(2026, 12, 4, tzinfo=UTC)
INVOICE = {"kind": "invoice", "currency": "EUR", "total": 3100, "credited": 1000}


def credit(amount: int, currency: str = "EUR") -> IssueCreditNote:
    return IssueCreditNote(
        tenant_id="t", invoice_id="i", amount=CreditAmount(amount, currency), reason=" late "
    )


def test_a_credit_note_takes_up_to_what_is_left() -> None:
    issued = decide_credit("c", "2026-0002", credit(2100), INVOICE, NOW)
    assert ({"amount": 2100, "currency": "EUR"}, "late", "i") == (
        issued.amount,
        issued.reason,
        issued.invoice_id,
    )


@pytest.mark.parametrize(
    ("cmd", "invoice", "key"),
    [
        (credit(2101), INVOICE, "billing.credit-exceeds-invoice"),
        (credit(5, "USD"), INVOICE, "billing.credit-currency-mismatch"),
        (credit(5), {**INVOICE, "kind": "credit-note"}, "billing.credit-of-a-credit-note"),
    ],
)
def test_a_credit_note_beyond_the_invoice_is_refused(
    cmd: IssueCreditNote, invoice: dict[str, object], key: str
) -> None:
    with pytest.raises(DomainError) as refused:
        decide_credit("c", "2026-0002", cmd, invoice, NOW)
    assert key == refused.value.key
