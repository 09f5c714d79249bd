"""Authorization on the real engines: audiences, with folder chains read from PostgreSQL."""

from __future__ import annotations

from typing import Any

from ossature.kernel.module import AtFolder
from ossature.modules.access._decide import Grant
from ossature.runtime.system import System
from tests.integration.support import Tenant


def _at(folder_id: str) -> AtFolder:
    async def folder_of(ctx: Any, payload: Any, deps: Any) -> str:
        return folder_id

    return AtFolder("projects.read", folder_of)


async def test_audiences_kept_for_a_batch_are_kept_per_folder_chain(
    system: System, tenant: Tenant
) -> None:
    """France's audience is not US's, and asking for France again gives the same answer."""
    assert system.pipeline is not None
    access, ctx = system.pipeline.access, tenant.ctx("admin")
    principals = {
        "eu-editor": [Grant("project-editor", tenant.folders["EU"])],
        "us-viewer": [Grant("project-viewer", tenant.folders["US"])],
    }
    answers: dict[Any, frozenset[str]] = {}

    france = await access.audience(
        ctx, _at(tenant.folders["France"]), {}, None, principals, answers
    )
    us = await access.audience(ctx, _at(tenant.folders["US"]), {}, None, principals, answers)
    again = await access.audience(ctx, _at(tenant.folders["France"]), {}, None, principals, answers)
    expected = (frozenset({"eu-editor"}), frozenset({"us-viewer"}), frozenset({"eu-editor"}), 2)

    actual = (france, us, again, len(answers))

    assert expected == actual
