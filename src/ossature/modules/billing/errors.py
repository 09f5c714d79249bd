"""Errors of the billing module."""

from ossature.kernel.errors import Denied, InvalidPayload

__all__ = ["QUOTA_EXCEEDED", "QuotaExceeded", "UsageDateInvalid", "UsageSpanInvalid"]

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
