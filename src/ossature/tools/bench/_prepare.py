"""Before measuring: log in, make this run's folder, and fill the folder that list-projects reads.

create-project writes into a folder made for this run (`bench <timestamp>` under the tenant's
root), so that a run's projects can be counted afterwards. list-projects reads one folder of
its own, `bench list-projects`, kept across runs and topped up to LIST_SIZE projects: the
projects that earlier runs created elsewhere do not change what it reads.

A run makes thousands of operations, more than most plans allow in a cycle: the demo's
platform operator first puts the benched tenant on `enterprise`, which has no quota.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from ulid import ULID

__all__ = ["LIST_FOLDER", "LIST_SIZE", "PrepareError", "Workspace", "count_projects", "prepare"]

LIST_FOLDER = "bench list-projects"
LIST_SIZE = 20
_READ_MODEL_WAIT = 15.0
_OPERATOR = {"tenant": "platform", "email": "operator@platform.test"}  # the demo's
UNLIMITED_PLAN = "enterprise"


class PrepareError(RuntimeError):
    """The system refused a step of the preparation."""


@dataclass(frozen=True)
class Workspace:
    """What the scenarios need: a token, this run's folder, the listed folder."""

    token: str
    run_folder_id: str
    run_folder_name: str
    list_folder_id: str
    listed: int


def prepare(url: str, tenant: str, email: str, password: str) -> Workspace:
    """Log in as `email` and make the folders; PrepareError when the system refuses."""
    with httpx.Client(base_url=url, timeout=30) as http:
        answer = _call(
            http, "commands/log-in", {"tenant": tenant, "email": email, "password": password}
        )
        token = str(answer["accessToken"])
        _without_quota(http, _tenant_of(token), password)
        http.headers["Authorization"] = f"Bearer {token}"
        folders = _call(http, "queries/list-folders", {})["folders"]
        root = next(f["folderId"] for f in folders if f.get("parentId") is None)
        name = datetime.now().strftime("bench %Y-%m-%d %H:%M:%S.%f")[:-3]
        run_folder = _create_folder(http, root, name)
        list_folder = next((f["folderId"] for f in folders if f["name"] == LIST_FOLDER), None)
        list_folder = list_folder or _create_folder(http, root, LIST_FOLDER)
        listed = _fill(http, list_folder)
    return Workspace(token, run_folder, name, list_folder, listed)


def _tenant_of(token: str) -> str:
    """The tenant an access token names (its `tid` claim; the server checks the signature)."""
    claims = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["tid"])


def _without_quota(http: httpx.Client, tenant_id: str, password: str) -> None:
    """Put the tenant on UNLIMITED_PLAN, as the demo's platform operator."""
    answer = _call(http, "commands/log-in", {**_OPERATOR, "password": password})
    headers = {"Authorization": f"Bearer {answer['accessToken']}"}
    payload = {"tenantId": tenant_id, "plan": UNLIMITED_PLAN}
    _call(http, "commands/set-tenant-plan", payload, headers)


def _create_folder(http: httpx.Client, parent: str, name: str) -> str:
    return str(
        _call(http, "commands/create-folder", {"parentId": parent, "name": name})["folderId"]
    )


def _fill(http: httpx.Client, folder: str) -> int:
    """Top the folder up to LIST_SIZE projects and wait until the read model lists them."""
    missing = LIST_SIZE - count_projects(http, folder)
    for n in range(missing):
        _call(http, "commands/create-project", {"folderId": folder, "name": f"listed {n + 1}"})
    deadline = time.monotonic() + _READ_MODEL_WAIT
    while (listed := count_projects(http, folder)) < LIST_SIZE:
        if time.monotonic() > deadline:
            raise PrepareError(f"list-projects shows {listed} of {LIST_SIZE} projects")
        time.sleep(0.1)
    return listed


def count_projects(http: httpx.Client, folder: str) -> int:
    """How many projects list-projects shows in `folder` (the read model, eventually)."""
    return len(_call(http, "queries/list-projects", {"folderId": folder})["projects"])


def _call(
    http: httpx.Client, path: str, payload: dict[str, Any], headers: dict[str, str] | None = None
) -> dict[str, Any]:
    headers = dict(headers or {})
    if path.startswith("commands/"):
        headers["Idempotency-Key"] = str(ULID())
    response = http.post(f"/{path}", json=payload, headers=headers)
    if response.status_code != 200:
        raise PrepareError(f"{path}: {response.status_code} {response.text[:300]}")
    answer: dict[str, Any] = response.json()
    return answer
