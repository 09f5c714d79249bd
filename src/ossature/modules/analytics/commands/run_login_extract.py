"""run-login-extract: copy a source now and count the logins new since its last copy.

It appends no event: an extract writes the analytics datastore (see `service.py`).
"""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.modules.analytics.service import LoginSources
from ossature.modules.analytics.state import SourceName

__all__ = ["RunLoginExtract", "RunLoginExtractAnswer", "run_login_extract"]


class RunLoginExtract(Payload, frozen=True):
    source: SourceName


class RunLoginExtractAnswer(TypedDict):
    source: str
    appended: int


async def run_login_extract(
    ctx: Context, cmd: RunLoginExtract, deps: Deps
) -> RunLoginExtractAnswer:
    assert ctx.tenant_id is not None
    appended = await deps.get(LoginSources).extract(deps.db, ctx.tenant_id, cmd.source, deps.now)
    return {"source": cmd.source, "appended": appended}
