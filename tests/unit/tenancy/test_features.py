"""Features and modules in the module table: checked at start, resolved by layer."""

from typing import Any

import pytest

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.kernel.module import Anyone, CommandSpec, Feature, Module, QuerySpec
from ossature.kernel.table import TableError, check_table
from ossature.modules.tenancy.catalog import catalog
from ossature.runtime.application import MODULES, Application


class Nothing(Payload, frozen=True):
    pass


async def _answer(ctx: Context, payload: Nothing, deps: Deps) -> dict[str, Any]:
    return {}


def _problems(*modules: Module) -> list[str]:
    with pytest.raises(TableError) as refused:
        check_table(modules, ())
    return refused.value.problems


def test_a_feature_is_named_after_its_module_and_declared_once() -> None:
    """A feature of another module's name, or declared twice, stops the start."""
    problems = _problems(
        Module("a", features=[Feature("a.fast", False), Feature("b.slow", False)]),
        Module("b", features=[Feature("a.fast", True)]),
    )
    assert [
        "feature 'a.fast' is declared by module a and by b",
        "feature 'b.slow' of module a must be named a.<name>",
        "feature 'a.fast' of module b must be named b.<name>",
    ] == problems


def test_a_platform_module_declares_no_feature() -> None:
    """The platform's modules are always on: a feature of theirs would gate nothing."""
    problems = _problems(Module("core", features=[Feature("core.x", False)], product=False))
    assert [
        "feature 'core.x' is declared by module core, which is no product module"
        " (the platform's modules are always on)"
    ] == problems


def test_a_command_names_a_bool_feature_of_its_own_module() -> None:
    """An undeclared feature, another module's, or one that is not on or off: refused."""
    problems = _problems(
        Module(
            "a",
            commands=[CommandSpec("make", Nothing, _answer, Anyone(), feature="b.on")],
            queries=[QuerySpec("read", Nothing, _answer, Anyone(), feature="a.size")],
            features=[Feature("a.size", 10)],
        ),
        Module("b", features=[Feature("b.on", False)]),
    )
    assert [
        "command 'make' of module a needs the feature 'b.on', which module a does not declare",
        "query 'read' of module a needs the feature 'a.size', which is not on or off"
        " (its default is not a bool)",
    ] == problems


def test_a_plan_naming_an_unknown_module_stops_the_application() -> None:
    """The catalog is checked against the table when tenancy is in it."""
    without_analytics = [m for m in MODULES if m.name != "analytics"]
    with pytest.raises(TableError) as refused:
        Application.of(without_analytics)
    assert "plans.toml: plan 'team' includes 'analytics', no product module" in (
        refused.value.problems
    )


def test_the_shipped_catalog_fits_the_shipped_modules() -> None:
    """Every plan names product modules and declared features only."""
    assert [] == catalog().problems(MODULES)
