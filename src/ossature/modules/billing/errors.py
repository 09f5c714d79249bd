"""Errors of the billing module."""

from ossature.kernel.errors import Conflict, Denied, InvalidPayload, NotFound

__all__ = [
    "QUOTA_EXCEEDED",
    "CreditCurrencyMismatch",
    "CreditExceedsInvoice",
    "CreditOfACreditNote",
    "CycleAlreadyClosed",
    "InvoiceLineNotFound",
    "InvoiceNotFound",
    "NoOpenCycle",
    "QuotaExceeded",
    "UsageDateInvalid",
    "UsageSpanInvalid",
]

QUOTA_EXCEEDED = "OS402"  # the SQLSTATE the meter raises when a command would pass the quota


class QuotaExceeded(Denied):
    """The tenant used its plan's operations for this cycle (messageParams: quota, plan)."""

    key = "billing.quota-exceeded"


class UsageSpanInvalid(InvalidPayload):
    """get-usage's span is reversed or longer than it may be (messageParams: from, to, days)."""

    key = "billing.usage-span-invalid"


class UsageDateInvalid(InvalidPayload):
    """get-usage's `from` or `to` is neither an ISO date nor an ISO datetime (messageParams:
    value)."""

    key = "billing.usage-date-invalid"


class NoOpenCycle(NotFound):
    key = "billing.no-open-cycle"


class CycleAlreadyClosed(Conflict):
    """The cycle named was closed meanwhile (by another scheduler, or an operator)."""

    key = "billing.cycle-already-closed"
    retryable = False


class InvoiceNotFound(NotFound):
    key = "billing.invoice-not-found"


class InvoiceLineNotFound(NotFound):
    key = "billing.invoice-line-not-found"


class CreditExceedsInvoice(InvalidPayload):
    key = "billing.credit-exceeds-invoice"


class CreditCurrencyMismatch(InvalidPayload):
    key = "billing.credit-currency-mismatch"


class CreditOfACreditNote(InvalidPayload):
    key = "billing.credit-of-a-credit-note"
