"""log-out run through the identity module's table on the in-memory seam: no engine.

register-account and log-in read the accounts read model: tests/integration covers them.
"""

from __future__ import annotations

from ossature.kernel.context import Actor, Context
from ossature.kernel.memory import InMemory
from ossature.modules.identity import MODULE
from ossature.modules.identity.commands.log_in import UserLoggedIn
from ossature.modules.identity.commands.log_out import UserLoggedOut
from ossature.runtime.contexts import internal_context


def in_session(session_id: str) -> Context:
    actor = Actor(
        account_id="a1",
        kind="user",
        tenant_id="acme",
        mechanism="session",
        session_id=session_id,
    )
    return internal_context(actor)


async def _logged_in(memory: InMemory, session_id: str) -> None:
    """A session's stream as log-in leaves it (that command reads PostgreSQL)."""
    deps = memory.deps(in_session(session_id))
    event = UserLoggedIn(account_id="a1", session_id=session_id, expires_at=1_800_000_000)
    deps.uow.append("session", session_id, 0, [event])
    await deps.uow.commit("log-in", {}, memory.now, ())


async def test_logging_out_ends_the_callers_own_session_on_its_stream() -> None:
    """user-logged-out follows the session's log-in, on that session's stream alone."""
    memory = InMemory(MODULE)
    await _logged_in(memory, "s1")
    await _logged_in(memory, "s2")

    outcome = await memory.command(in_session("s1"), "log-out", {})

    expected = (
        {"sessionId": "s1"},
        [
            UserLoggedIn(account_id="a1", session_id="s1", expires_at=1_800_000_000),
            UserLoggedOut(account_id="a1", session_id="s1"),
        ],
        1,
    )
    ended = list(memory.stream(in_session("s1"), "s1").events)
    assert expected == (outcome, ended, memory.stream(in_session("s2"), "s2").version)
