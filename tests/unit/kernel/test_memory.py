"""The in-memory seam applies the table as the pipeline does."""

from typing import Any

import pytest

from ossature.kernel.context import Actor, Context
from ossature.kernel.deps import Deps
from ossature.kernel.errors import InvalidPayload
from ossature.kernel.memory import InMemory
from ossature.kernel.messages import Event, Payload
from ossature.kernel.module import Anyone, CommandSpec, Module, UndeclaredEvent
from ossature.runtime.contexts import internal_context


class Nothing(Payload, frozen=True):
    pass


class ThingForgotten(Event, frozen=True):
    name = "thing-forgotten"


async def _forgetful(ctx: Context, payload: Nothing, deps: Deps) -> dict[str, Any]:
    deps.uow.append("thing", "t1", 0, [ThingForgotten()])
    return {}


def _ctx() -> Context:
    return internal_context(Actor(account_id="a", kind="user", tenant_id="t", mechanism="internal"))


async def test_an_event_the_module_does_not_declare_is_refused_and_not_stored() -> None:
    """The same refusal as the pipeline's, and the store stays empty."""
    memory = InMemory(
        Module("things", commands=[CommandSpec("forget", Nothing, _forgetful, Anyone())])
    )
    with pytest.raises(UndeclaredEvent):
        await memory.command(_ctx(), "forget", {})
    assert [] == memory.store.envelopes


async def test_a_payload_with_an_unknown_field_is_refused() -> None:
    """Payloads are converted to their type, unknown fields refused, as on the wire."""
    memory = InMemory(
        Module("things", commands=[CommandSpec("forget", Nothing, _forgetful, Anyone())])
    )
    with pytest.raises(InvalidPayload):
        await memory.command(_ctx(), "forget", {"extra": 1})
