import itertools
import json
from concurrent.futures import ThreadPoolExecutor
from importlib import resources

import pytest

from ossature.kernel.module import CommandSpec, QuerySpec
from ossature.modules.access._decide import AccessPolicy, Grant
from ossature.runtime.application import Application

# The demo tree: Global -> EU -> France, Global -> US; each folder maps to its chain.
CHAINS = {
    "global": ["global"],
    "eu": ["eu", "global"],
    "france": ["france", "eu", "global"],
    "us": ["us", "global"],
}


def _package_text(name: str) -> str:
    return resources.files("ossature.modules.access").joinpath(name).read_text(encoding="utf-8")


# What the tests expect is read from the shipped roles and policies, never restated here:
# a new action, policy or role is covered by every test below the day it is added.
DATA = json.loads(_package_text("roles.json"))
ALL_ACTIONS = frozenset(a for policy in DATA["policies"].values() for a in policy["actions"])


def _is_platform(action: str) -> bool:
    """Platform actions (creating tenants) belong to the operator, never to a tenant's roles."""
    return action.startswith("platform.")


TENANT_ACTIONS = frozenset(a for a in ALL_ACTIONS if not _is_platform(a))
ROLES = (*DATA["roles"], "no-such-role")


def _actions_of(role: str) -> frozenset[str]:
    """The actions of a role's policies, read from the data (none for an unknown role)."""
    policies = DATA["roles"].get(role, {}).get("policies", [])
    return frozenset(a for name in policies for a in DATA["policies"][name]["actions"])


def _granted_by(action: str) -> frozenset[str]:
    return frozenset(role for role in DATA["roles"] if action in _actions_of(role))


# One action for each distinct set of roles granting it: the rest decide the same way.
DISTINCT_ACTIONS = frozenset({_granted_by(a): a for a in sorted(ALL_ACTIONS)}.values())


Decisions = tuple[bool, frozenset[str], frozenset[str]]
DENIED: Decisions = (False, frozenset(), frozenset())


def _reference(grants: list[Grant], scope: list[str]) -> frozenset[str]:
    """The same rule in plain Python, to check the engine against."""
    return frozenset().union(*(_actions_of(g.role) for g in grants if g.folder_id in scope))


@pytest.fixture(scope="module")
def policy() -> AccessPolicy:
    return AccessPolicy.builtin()


@pytest.mark.parametrize(
    ("folder", "expected"), [("eu", True), ("france", True), ("us", False), ("global", False)]
)
def test_an_assignment_at_eu_covers_eu_and_france_only(
    policy: AccessPolicy, folder: str, expected: bool
) -> None:
    """A role assigned at EU applies to EU and France, not to US nor Global."""
    grants = [Grant("project-viewer", "eu")]

    actual = policy.allows(grants, "projects.read", CHAINS[folder])

    assert expected == actual


def test_a_tenant_admin_at_global_may_do_everything_everywhere(policy: AccessPolicy) -> None:
    """A tenant admin at the root may take every action but the platform's in every folder."""
    grants = [Grant("tenant-admin", "global")]
    cases = list(itertools.product(CHAINS, sorted(ALL_ACTIONS)))
    expected = {(f, a): a in TENANT_ACTIONS for f, a in cases}

    actual = {(f, a): policy.allows(grants, a, CHAINS[f]) for f, a in cases}

    assert expected == actual


def _table_actions() -> frozenset[str]:
    """Every action a command or query of the module table asks for."""
    app = Application.of()
    specs: list[CommandSpec | QuerySpec] = [*app.commands.values(), *app.queries.values()]
    return frozenset(a for spec in specs if (a := getattr(spec.authorization, "action", None)))


def test_a_tenant_admin_at_global_may_invoke_every_command_and_query(policy: AccessPolicy) -> None:
    """Every action the module table asks for, bar the platform's, is a tenant admin's."""
    grants = [Grant("tenant-admin", "global")]
    actions = _table_actions()
    expected = {a: not _is_platform(a) for a in actions}

    actual = {a: policy.allows(grants, a, CHAINS["france"]) for a in actions}

    assert expected == actual


def test_a_viewer_may_read_but_not_rename(policy: AccessPolicy) -> None:
    """A project viewer may read a project but not rename it."""
    grants = [Grant("project-viewer", "global")]
    expected = (True, False)

    actual = (
        policy.allows(grants, "projects.read", CHAINS["france"]),
        policy.allows(grants, "projects.rename", CHAINS["france"]),
    )

    assert expected == actual


def test_actions_of_an_editor_at_eu_over_france_are_the_editor_set(policy: AccessPolicy) -> None:
    """The actions permitted in France to an editor at EU are exactly the editor's."""
    grants = [Grant("project-editor", "eu")]
    expected = _actions_of("project-editor")

    actual = policy.actions(grants, CHAINS["france"])

    assert expected == actual


def test_a_viewer_at_us_sees_only_us(policy: AccessPolicy) -> None:
    """Over the whole demo tree, a viewer at US may read in US alone."""
    grants = [Grant("project-viewer", "us")]
    expected = frozenset({"us"})

    actual = policy.visible(grants, "projects.read", CHAINS)

    assert expected == actual


def test_no_grants_deny(policy: AccessPolicy) -> None:
    """Without any grant nothing is allowed, permitted or visible."""
    expected = DENIED

    actual = (
        policy.allows([], "projects.read", CHAINS["global"]),
        policy.actions([], CHAINS["global"]),
        policy.visible([], "projects.read", CHAINS),
    )

    assert expected == actual


def test_an_unknown_role_denies(policy: AccessPolicy) -> None:
    """A grant of a role that does not exist permits nothing."""
    grants = [Grant("no-such-role", "global")]
    expected = DENIED

    actual = (
        policy.allows(grants, "projects.read", CHAINS["global"]),
        policy.actions(grants, CHAINS["global"]),
        policy.visible(grants, "projects.read", CHAINS),
    )

    assert expected == actual


def _decisions(policy: AccessPolicy) -> Decisions:
    grants = [Grant("tenant-admin", "global")]
    return (
        policy.allows(grants, "projects.read", CHAINS["france"]),
        policy.actions(grants, CHAINS["france"]),
        policy.visible(grants, "projects.read", CHAINS),
    )


def test_a_policy_with_a_syntax_error_denies_rather_than_raising() -> None:
    """A policy source that does not parse makes every decision a denial."""
    broken = _package_text("policy.rego").replace("allow if {", "allow if {{", 1)
    expected = (False, DENIED)

    policy = AccessPolicy(broken, DATA)
    actual = (policy.compiled, _decisions(policy))

    assert expected == actual


@pytest.mark.parametrize(
    "data",
    [
        {"roles": "tenant-admin", "policies": 42},
        {"roles": {"tenant-admin": {"policies": "projects-read"}}, "policies": {}},
        {"roles": {"tenant-admin": {"policies": [object()]}}, "policies": {}},
        {"ossature": {"access": {"allow": True}}},
    ],
    ids=["wrong-types", "wrong-inner-type", "not-json", "shadows-a-rule"],
)
def test_broken_data_denies_rather_than_raising(data: dict[str, object]) -> None:
    """Policy data of the wrong shape, or that would shadow a rule, denies everything."""
    expected = DENIED

    actual = _decisions(AccessPolicy(_package_text("policy.rego"), data))

    assert expected == actual


def test_a_policy_without_the_expected_rules_denies() -> None:
    """A policy in another package compiles, but its missing entrypoints deny."""
    expected = DENIED

    actual = _decisions(AccessPolicy("package other\n\nallow := true\n", DATA))

    assert expected == actual


def test_the_policy_agrees_with_the_rule_in_plain_python(policy: AccessPolicy) -> None:
    """For every pair of grants, action and folder, the engine answers as the plain rule."""
    singles = [Grant(role, folder) for role in ROLES for folder in CHAINS]
    pairs = [[a, b] for a, b in itertools.combinations(singles, 2) if a.role != b.role][::7]
    cases = [(grants, CHAINS[f]) for grants in [[s] for s in singles] + pairs for f in CHAINS]
    expected = [_reference(grants, scope) for grants, scope in cases]

    actual = [policy.actions(grants, scope) for grants, scope in cases]

    assert expected == actual


def test_answers_served_again_from_the_cache_agree_with_the_plain_rule() -> None:
    """Asked twice, the second time from the cache, every decision is the plain rule's answer."""
    policy = AccessPolicy.builtin()
    singles = [Grant(role, folder) for role in ROLES for folder in CHAINS]
    cases = [
        ([grant], action, CHAINS[f]) for grant in singles for action in ALL_ACTIONS for f in CHAINS
    ]
    expected = [action in _reference(grants, scope) for grants, action, scope in cases]

    first = [policy.allows(grants, action, scope) for grants, action, scope in cases]
    again = [policy.allows(grants, action, scope) for grants, action, scope in cases]

    assert (expected, expected) == (first, again)


def test_concurrent_decisions_match_sequential_ones(policy: AccessPolicy) -> None:
    """Decisions taken from 8 threads at once equal the same decisions taken one by one."""
    grant_sets = [[Grant(role, folder)] for role in ROLES for folder in CHAINS]
    combos = list(itertools.product(grant_sets, sorted(ALL_ACTIONS), CHAINS.values()))
    cases = (combos * 3)[:3000]

    def decide(case: tuple[list[Grant], str, list[str]]) -> tuple[bool, frozenset[str]]:
        grants, action, scope = case
        return policy.allows(grants, action, scope), policy.actions(grants, scope)

    expected = [decide(case) for case in cases]
    policy = AccessPolicy.builtin()  # a fresh cache: the threads evaluate, not look up

    with ThreadPoolExecutor(max_workers=8) as pool:
        actual = list(pool.map(decide, cases))

    assert expected == actual


@pytest.mark.parametrize("action", sorted(DISTINCT_ACTIONS))
def test_granting_folders_filter_to_exactly_the_visible_folders(
    policy: AccessPolicy, action: str
) -> None:
    """For every pair of grants on the demo tree, a folder is visible iff its chain holds a
    granting folder: the rule list-projects applies in SQL."""
    grants = [Grant(role, folder) for role in ROLES for folder in CHAINS]
    for pair in itertools.combinations(grants, 2):
        granting = policy.granting(list(pair), action)
        expected = policy.visible(list(pair), action, CHAINS)

        actual = frozenset(f for f, chain in CHAINS.items() if granting & set(chain))

        assert expected == actual, pair
