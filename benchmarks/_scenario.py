"""The bench's two scenarios as plans, for the scripts that drive a running system themselves."""

from __future__ import annotations

from ossature.kernel.config import Settings
from ossature.runtime.bench._plan import Plan
from ossature.runtime.bench._prepare import prepare
from ossature.runtime.bench._target import demo_password

PATHS = {"create-project": "/commands/create-project", "list-projects": "/queries/list-projects"}


def plan_for(url: str, scenario: str, settings: Settings) -> Plan:
    """`scenario` against the system at `url`, as the demo tenant's admin, in the bench's
    folders (made, or topped up, first): what `ossature bench` sends."""
    workspace = prepare(url, "acme", "admin@acme.test", demo_password(settings, None))
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    creates = scenario == "create-project"
    folder = workspace.run_folder_id if creates else workspace.list_folder_id
    return Plan(
        scenario, host, int(port), PATHS[scenario], workspace.token, folder, creates, creates
    )
