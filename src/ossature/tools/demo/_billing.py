"""The demo's billing step: the platform operator closes acme's cycle, and its invoice, whose
lines add up to its total, is what acme's admin reads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ossature.sdk import token_claims
from ossature.tools.demo._support import Demo, check

__all__ = ["invoice_issued"]

PLATFORM, OPERATOR = "platform", "operator@platform.test"


def _money(json: dict[str, Any]) -> str:
    return f"{Decimal(json['amount']).scaleb(-2):f} {json['currency']}"


async def invoice_issued(demo: Demo) -> str:
    admin = await demo.user("admin")
    operator = await demo.client.as_user(PLATFORM, OPERATOR, demo.password)
    assert admin.token is not None
    tenant_id = str(token_claims(admin.token)["tid"])
    closed = await operator.command("close-billing-cycle", {"tenantId": tenant_id})
    invoice = await admin.query("get-invoice", {"invoiceId": closed["invoiceId"]})
    lines = invoice["lines"]
    check(
        invoice["total"]["amount"] == sum(line["amount"]["amount"] for line in lines),
        f"the lines do not add up to the total: {invoice}",
    )
    check(
        invoice["operations"] == sum(line["operations"] for line in lines),
        f"the lines do not count the operations: {invoice}",
    )
    return (
        f"invoice {invoice['number']} ({invoice['plan']}): {_money(invoice['total'])},"
        f" {invoice['operations']} operations on {len(lines)} lines"
    )
