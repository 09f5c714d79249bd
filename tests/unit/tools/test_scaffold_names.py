"""The names a scaffold is written with, and the names it refuses."""

import pytest

from ossature.tools.scaffold import NameRefused
from ossature.tools.scaffold._names import CommandNames, ModuleNames


def test_a_plural_module_names_its_entity_without_the_s() -> None:
    """purchase-orders: package, entity, class and wire names."""
    tokens = ModuleNames.of("purchase-orders").tokens()
    assert (
        "purchase_orders",
        "purchase_order",
        "PurchaseOrder",
        "purchase-order",
        "purchaseOrder",
    ) == (
        tokens["__module__"],
        tokens["__entity__"],
        tokens["__Entity__"],
        tokens["__entkebab__"],
        tokens["__entityCamel__"],
    )


@pytest.mark.parametrize(
    "name", ["Invoices", "9lives", "in voices", "import", "invoices-", "staff"]
)
def test_names_that_cannot_be_a_package_or_have_no_entity_are_refused(name: str) -> None:
    """Uppercase, a leading digit, spaces, a keyword, a dangling hyphen, no plural."""
    with pytest.raises(NameRefused):
        ModuleNames.of(name)


def test_an_entity_may_be_named_when_the_plural_is_irregular() -> None:
    """staff, whose item is a member."""
    assert "member" == ModuleNames.of("staff", "member").tokens()["__entity__"]


@pytest.mark.parametrize(
    ("command", "event"),
    [
        ("approve-invoice", "invoice-approved"),
        ("reject-invoice", "invoice-rejected"),
        ("copy-invoice", "invoice-copied"),
    ],
)
def test_the_event_is_the_entity_and_the_verbs_regular_past(command: str, event: str) -> None:
    """approve → approved, reject → rejected, copy → copied."""
    assert event == CommandNames.of(command, ["invoice"]).tokens()["__eventkebab__"]


def test_an_irregular_past_is_given() -> None:
    """pay-invoice appends invoice-paid when told so."""
    names = CommandNames.of("pay-invoice", ["invoice"], "invoice-paid")
    assert ("InvoicePaid", "PayInvoice") == (
        names.tokens()["__EventClass__"],
        names.tokens()["__Command__"],
    )
