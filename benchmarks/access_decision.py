"""Time one access decision: the Rego policy (evaluated, then cached) against a dict lookup.

Run: PYTHONPATH=src python benchmarks/access_decision.py
"""

import json
import statistics
import time
from collections.abc import Callable, Sequence
from importlib import resources

from ossature.modules.access._decide import AccessPolicy, Grant

ALLOW = "ossature/access/allow"

CALLS = 10_000
SCOPE = ["france", "eu", "global"]
# 20 grants, the one that decides last: 19 viewers elsewhere, then an editor at EU.
GRANTS = [Grant("project-viewer", f"folder-{n}") for n in range(19)]
GRANTS.append(Grant("project-editor", "eu"))


def role_actions() -> dict[str, frozenset[str]]:
    """Each built-in role's actions, flattened once from roles.json."""
    text = resources.files("ossature.modules.access").joinpath("roles.json").read_text()
    data = json.loads(text)
    return {
        role: frozenset(a for name in spec["policies"] for a in data["policies"][name]["actions"])
        for role, spec in data["roles"].items()
    }


def dict_allows(
    actions: dict[str, frozenset[str]], grants: Sequence[Grant], action: str, scope: Sequence[str]
) -> bool:
    """The policy's rule in plain Python: some grant in scope whose role permits the action."""
    folders = set(scope)
    return any(g.folder_id in folders and action in actions.get(g.role, ()) for g in grants)


def median_seconds(decide: Callable[[], bool]) -> float:
    timings = []
    for _ in range(CALLS):
        start = time.perf_counter()
        decide()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    policy = AccessPolicy.builtin()
    actions = role_actions()
    assert policy.allows(GRANTS, "projects.rename", SCOPE)
    assert dict_allows(actions, GRANTS, "projects.rename", SCOPE)
    fields = {"action": "projects.rename", "scope": SCOPE}
    evaluated = median_seconds(lambda: policy._decide(ALLOW, GRANTS, fields) is True)
    cached = median_seconds(lambda: policy.allows(GRANTS, "projects.rename", SCOPE))
    plain = median_seconds(lambda: dict_allows(actions, GRANTS, "projects.rename", SCOPE))
    print(f"allows(), {len(GRANTS)} grants, median of {CALLS} calls")
    print(f"  rego policy, evaluated: {evaluated * 1e6:8.1f} us  ({evaluated / plain:5.0f}x dict)")
    print(f"  rego policy, cached:    {cached * 1e6:8.1f} us  ({cached / plain:5.1f}x dict)")
    print(f"  python dict rule:       {plain * 1e6:8.1f} us")


if __name__ == "__main__":
    main()
