"""A tenant's subscription: modules by plan and operator, features by layer, the gate."""

import pytest

from ossature.kernel.errors import InvalidPayload
from ossature.kernel.module import Feature, Module
from ossature.modules.tenancy.catalog import catalog
from ossature.modules.tenancy.commands.enable_module import product_module
from ossature.modules.tenancy.commands.set_tenant_feature import TenantFeatureSet, decide_feature
from ossature.modules.tenancy.subscription import effective_features, effective_modules

STARTER = catalog().plans["starter"]
TEAM = catalog().plans["team"]
PRODUCTS = {"projects", "analytics"}
SOURCES = Feature("analytics.external-sources", False)
DEPTH = Feature("projects.depth", 3)


def test_a_plans_modules_plus_enabled_less_disabled() -> None:
    """Enabled beyond the plan, disabled even when the plan includes it."""
    assert frozenset({"analytics"}) == effective_modules(
        STARTER, ["analytics"], ["projects"], PRODUCTS
    )


def test_a_module_no_longer_a_product_is_not_had() -> None:
    """An enabled name that is no product module (any more) gives nothing."""
    assert frozenset({"projects"}) == effective_modules(STARTER, ["payroll"], [], PRODUCTS)


def test_features_default_then_plan_then_the_tenants_own() -> None:
    """Each layer overrides the one before; a value of the wrong type is ignored."""
    assert {"analytics.external-sources": False, "projects.depth": 3} == effective_features(
        [SOURCES, DEPTH], STARTER, {}
    )
    assert {"analytics.external-sources": True, "projects.depth": 5} == effective_features(
        [SOURCES, DEPTH], TEAM, {"projects.depth": 5}
    )
    assert {"analytics.external-sources": False, "projects.depth": 3} == effective_features(
        [SOURCES, DEPTH], TEAM, {"analytics.external-sources": False, "projects.depth": "5"}
    )


def test_only_a_product_module_may_be_enabled() -> None:
    """A platform module (always on) or an unknown name: tenancy.unknown-module."""
    with pytest.raises(InvalidPayload) as refused:
        product_module("identity", PRODUCTS)
    assert ("tenancy.unknown-module", {"module": "identity", "modules": "analytics, projects"}) == (
        refused.value.key,
        refused.value.params,
    )
    assert "projects" == product_module("projects", PRODUCTS)


def test_a_feature_takes_a_value_of_its_declared_type() -> None:
    """True is not an int, 1 is not a bool; an undeclared feature is unknown."""
    declared = {f.name: f for f in (SOURCES, DEPTH)}
    keys = []
    for feature, value in (("projects.depth", True), ("analytics.external-sources", 1), ("x.y", 1)):
        with pytest.raises(InvalidPayload) as refused:
            decide_feature(declared, feature, value)
        keys.append(refused.value.key)
    assert [
        "tenancy.invalid-feature-value",
        "tenancy.invalid-feature-value",
        "tenancy.unknown-feature",
    ] == keys
    assert TenantFeatureSet(feature="projects.depth", value=7) == decide_feature(
        declared, "projects.depth", 7
    )


def test_a_platform_modules_table_is_not_a_product() -> None:
    """Module.product marks what a tenant may have or not."""
    assert (True, False) == (Module("x").product, Module("y", product=False).product)
