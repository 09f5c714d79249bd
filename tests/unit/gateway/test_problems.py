"""problem+json bodies: the key, its parameters as JSON, never a server-made sentence alone."""

from datetime import UTC, datetime

from ossature.gateway.problems import problem
from ossature.kernel.i18n import Catalogs
from ossature.modules.access.errors import RequirementUnmet
from ossature.runtime.application import Application

CATALOGS: Catalogs = Application.of().catalogs()


def test_list_and_object_parameters_reach_the_client_as_json() -> None:
    """requirement-unmet's `unmet` is data a client acts on: a list of objects, not its text."""
    unmet = [{"id": "verified-email", "satisfiedBy": ["email-verified"], "flow": "verify-email"}]
    error = RequirementUnmet({"requirements": "verified-email", "unmet": unmet})

    body = problem(error, "inv-1", CATALOGS, "en")

    assert {"requirements": "verified-email", "unmet": unmet} == body["messageParams"]
    assert "This needs first: verified-email." == body["title"]


def test_a_parameter_that_is_not_json_is_sent_as_its_text() -> None:
    at = datetime(2026, 12, 1, tzinfo=UTC)

    body = problem(RequirementUnmet({"requirements": "x", "at": [at]}), "inv-1", CATALOGS, "en")

    assert [str(at)] == body["messageParams"]["at"]
