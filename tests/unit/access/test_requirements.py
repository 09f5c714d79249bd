"""Requirements, pure: which apply to a command, in which country, and what meets them."""

from pathlib import Path

import pytest

from ossature.kernel.context import Actor, Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.kernel.module import Anyone, CommandSpec, Feature, Module
from ossature.modules.access.commands.accept_terms import TermsAccepted, decide_accept
from ossature.modules.access.errors import AccountOnly, UnknownTermsVersion
from ossature.modules.access.requirements import (
    Requirement,
    Requirements,
    flow_of,
    load_requirements,
    problems,
    unmet,
)
from ossature.runtime.application import MODULES


class Empty(Payload, frozen=True):
    pass


async def _handler(ctx: Context, payload: Empty, deps: Deps) -> dict[str, str]:
    return {}


def _command(name: str, feature: str | None = None) -> CommandSpec[Empty]:
    return CommandSpec(name, Empty, _handler, Anyone(), feature=feature)


SOLD = Module(
    "reports",
    commands=[_command("draw-report"), _command("share-report", "reports.sharing")],
    features=[Feature("reports.sharing", False)],
)
OTHER = Module("maps", commands=[_command("draw-map")])
PLATFORM = Module("people", commands=[_command("rename-person")], product=False)
APP = [SOLD, OTHER, PLATFORM]


def requirement(
    rid: str, *scopes: str, countries: set[str] | None = None, **by: tuple[str, ...]
) -> Requirement:
    satisfied_by = {k.replace("_", "-"): v for k, v in by.items()}
    return Requirement(
        rid, scopes, None if countries is None else frozenset(countries), satisfied_by
    )


TERMS = requirement("accepted-terms:v1", "module:reports", everywhere=("signed-terms:v1",))
EMAIL = requirement(
    "verified-email",
    "platform",
    countries={"DE", "FR"},
    everywhere=("email-verified", "corporate-email"),
    DE=("email-verified",),
)
MFA = requirement("mfa-enabled", "feature:reports.sharing", everywhere=("mfa-enrolled",))


def test_each_scope_takes_in_the_commands_it_names() -> None:
    """platform: every product module's command; module: its commands; feature: those naming it."""
    index = Requirements.of(APP, [TERMS, EMAIL, MFA])

    actual = {name: [r.id for r in found] for name, found in index.by_command.items()}

    assert {
        "draw-report": ["accepted-terms:v1", "verified-email"],
        "share-report": ["accepted-terms:v1", "verified-email", "mfa-enabled"],
        "draw-map": ["verified-email"],
    } == actual


def test_a_platform_module_is_never_held_to_a_requirement() -> None:
    """Not even to one scoped to the platform: it is always on, for everyone."""
    index = Requirements.of(APP, [EMAIL])

    assert () == index.applying("rename-person", "DE")


def test_a_requirement_applies_only_in_its_countries() -> None:
    """verified-email holds in DE and FR; a US tenant, or one of no country, is not held to it."""
    index = Requirements.of(APP, [EMAIL])

    actual = [len(index.applying("draw-map", c)) for c in ("DE", "FR", "US", None)]

    assert [1, 1, 0, 0] == actual


def test_any_one_alternative_meets_a_requirement() -> None:
    """In FR a corporate email meets verified-email as a verified one does."""
    assert [] == unmet([EMAIL], {"corporate-email"}, "FR")
    assert [] == unmet([EMAIL], {"email-verified"}, "FR")
    assert [EMAIL] == unmet([EMAIL], {"signed-terms:v1"}, "FR")


def test_the_alternatives_may_vary_by_country() -> None:
    """In DE only a verified email meets verified-email: the country's own list stands."""
    assert [EMAIL] == unmet([EMAIL], {"corporate-email"}, "DE")
    assert ("email-verified",) == EMAIL.alternatives("DE")


def test_each_unmet_requirement_names_the_flow_that_meets_it() -> None:
    """accept-terms for signed terms, verify-email, enroll-totp; none for a corporate email."""
    actual = [flow_of(e) for e in ("signed-terms:v1", "email-verified", "mfa-enrolled")]

    assert ["accept-terms", "verify-email", "enroll-totp"] == actual
    assert flow_of("corporate-email") is None
    assert "verify-email" == EMAIL.flow("FR")


def test_a_scope_or_an_entitlement_that_names_nothing_is_a_problem() -> None:
    """The application refuses to start on a requirement it could never apply or meet."""
    wrong = requirement("x", "module:maps", "module:people", "feature:nope", everywhere=("gold",))

    assert [
        "'x': the scope 'module:people' names no product module or feature",
        "'x': the scope 'feature:nope' names no product module or feature",
        "'x': no account can hold 'gold'",
    ] == problems([wrong], APP)
    with pytest.raises(ValueError, match=r"requirements\.toml is wrong"):
        Requirements.of(APP, [wrong])


def test_the_shipped_requirements_fit_the_application() -> None:
    """requirements.toml names real modules, features and entitlements; terms 2026-12."""
    index = Requirements.of(MODULES)

    assert frozenset({"2026-12"}) == index.terms_versions
    assert ["accepted-terms:2026-12"] == [r.id for r in index.applying("run-login-extract", "US")]


def test_satisfied_by_reads_as_a_list_or_by_country(tmp_path: Path) -> None:
    """A table of lists by country, `everywhere` for the others, reads as the list would."""
    file = tmp_path / "requirements.toml"
    file.write_text(
        '["verified-email"]\nscopes = ["platform"]\n'
        'satisfied-by = { everywhere = ["email-verified", "corporate-email"],'
        ' DE = ["email-verified"] }\n'
    )

    [loaded] = load_requirements(file)

    assert ("email-verified",) == loaded.alternatives("DE")
    assert ("email-verified", "corporate-email") == loaded.alternatives("US")
    assert loaded.countries is None


def test_a_malformed_requirement_is_named(tmp_path: Path) -> None:
    file = tmp_path / "requirements.toml"
    file.write_text('["verified-email"]\nscope = "platform"\nsatisfied-by = ["email-verified"]\n')

    with pytest.raises(ValueError, match="requirement 'verified-email'"):
        load_requirements(file)


PERSON = Actor(account_id="a1", kind="user", tenant_id="t1", mechanism="session")


def test_accepting_offered_terms_gains_them_once() -> None:
    """The first acceptance is an event; accepting the same version again is none."""
    assert [TermsAccepted(account_id="a1", terms_version="v1")] == decide_accept(
        PERSON, "v1", {"v1"}, set()
    )
    assert [] == decide_accept(PERSON, "v1", {"v1"}, {"v1"})


def test_terms_no_requirement_names_are_refused() -> None:
    with pytest.raises(UnknownTermsVersion):
        decide_accept(PERSON, "v2", {"v1"}, set())


@pytest.mark.parametrize(
    "actor",
    [
        Actor(account_id="k1", kind="service", tenant_id="t1", mechanism="api-key"),
        Actor(account_id="a1", kind="user", tenant_id="t1", mechanism="session", on_behalf_of="op"),
    ],
)
def test_only_the_accounts_user_in_person_accepts_terms(actor: Actor) -> None:
    """A service account binds no one; an impersonating operator may not sign for the user."""
    with pytest.raises(AccountOnly):
        decide_accept(actor, "v1", {"v1"}, set())
