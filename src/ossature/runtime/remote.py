"""Commands answered by another process: async request-reply over NATS (decision 109).

A gateway configured with OSSATURE_REMOTE_MODULES sends each command of those modules on
`ossature.commands.<module>.<command>` with a reply subject (`RemoteCommands`); the
`commands` processes answer in queue group `commands`, so that several share the work
(`CommandServer`). The invocation's context travels in the `Ossature-Context` header,
base64 JSON, and the commands process runs it forked: a new invocation id whose parent is
the gateway's (decision 110). No answer within the deadline is a keyed 504 that may be
retried with the same Idempotency-Key (decision 111). Queries stay in the gateway.
"""

from __future__ import annotations

import asyncio
import binascii
import contextlib
from collections.abc import Collection, Mapping
from typing import Any, Protocol

import msgspec
import nats.errors

from ossature.kernel.config import Settings
from ossature.kernel.context import Context, decode_context, encode_context
from ossature.kernel.errors import DomainError, InvalidPayload, PayloadTooLarge
from ossature.kernel.logging import get_logger
from ossature.runtime.pipeline import Kind, Pipeline, Result

__all__ = [
    "CONTEXT_HEADER",
    "QUEUE",
    "CommandServer",
    "CommandTimeout",
    "Invoker",
    "RemoteCommands",
    "Reply",
    "commands_of",
    "decode_reply",
    "encode_reply",
    "request_headers",
    "subject_of",
]

CONTEXT_HEADER = "Ossature-Context"
QUEUE = "commands"
ALL_MODULES = "*"
_PREFIX = "ossature.commands"
_RETRY_AFTER = 1  # seconds: a commands process restarts, or another takes the queue's work
_log = get_logger("ossature.commands")


class CommandTimeout(DomainError):
    """No commands process answered in time (or none listens): the same Idempotency-Key
    makes a retry safe, whether or not the command ran."""

    key = "errors.command-timeout"
    status = 504
    retryable = True


class Invoker(Protocol):
    """What runs an invocation by name: the pipeline itself, or `RemoteCommands`."""

    async def invoke(self, kind: Kind, name: str, raw: Any, ctx: Context) -> Result: ...


class WireError(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """A reply's error: what the gateway needs to answer its problem+json."""

    key: str
    status: int
    params: dict[str, Any] = {}
    retryable: bool = False


class Reply(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """A commands process's answer: the pipeline's Result, on the wire."""

    status: int
    body: dict[str, Any] = {}
    error: WireError | None = None
    repeat_of: str | None = None


_encoder = msgspec.json.Encoder(enc_hook=str)  # a parameter of another type: its text
_replies = msgspec.json.Decoder(Reply)


def subject_of(module: str, command: str) -> str:
    """The subject a command of `module` is sent on."""
    return f"{_PREFIX}.{module}.{command}"


def request_headers(ctx: Context) -> dict[str, str]:
    """The headers of a command's request: its context, and its trace for other readers."""
    return {CONTEXT_HEADER: encode_context(ctx), "traceparent": ctx.trace.traceparent}


def encode_reply(result: Result) -> bytes:
    """`result` as a reply's bytes."""
    error = result.error
    wire = None
    if error is not None:
        params = {key: _plain(value) for key, value in error.params.items()}
        wire = WireError(error.key, error.status, params, error.retryable)
    return _encoder.encode(Reply(result.status, dict(result.body), wire, result.repeat_of))


def _plain(value: object) -> object:
    """A parameter as the gateway's problem shows it (gateway/problems.py): JSON values as
    they are, anything else as its text."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def decode_reply(data: bytes) -> Result:
    """The Result a reply carries; raises msgspec.DecodeError when malformed."""
    reply = _replies.decode(data)
    error = None
    if reply.error is not None:
        error = DomainError(reply.error.params, key=reply.error.key)
        error.status, error.retryable = reply.error.status, reply.error.retryable
    return Result(reply.status, reply.body, error, reply.repeat_of)


class RemoteCommands:
    """Commands of the routed modules sent to a commands process; everything else (queries,
    other modules, unknown names) run by the pipeline here."""

    def __init__(
        self, pipeline: Pipeline, nc: Any, routed: Collection[str], deadline: float
    ) -> None:
        """`routed`: module names, or `*` for every module."""
        self.pipeline, self.nc, self.deadline = pipeline, nc, deadline
        self.routed = frozenset(routed)

    def module_of(self, kind: Kind, name: str) -> str | None:
        """The module whose commands process answers this invocation, or None: here."""
        module = self.pipeline.app.module_of_command.get(name) if kind == "command" else None
        if module is None or not ({ALL_MODULES, module.name} & self.routed):
            return None
        return module.name

    async def invoke(self, kind: Kind, name: str, raw: Any, ctx: Context) -> Result:
        """The invocation's Result, from a commands process when its module is routed."""
        module = self.module_of(kind, name)
        if module is None:
            return await self.pipeline.invoke(kind, name, raw, ctx)
        try:
            reply = await self.nc.request(
                subject_of(module, name),
                _encoder.encode(raw),
                timeout=self.deadline,
                headers=request_headers(ctx),
            )
        except nats.errors.MaxPayloadError:
            return await self.pipeline.refuse(kind, name, ctx, PayloadTooLarge())
        except (TimeoutError, nats.errors.Error) as error:  # no responder, timeout, away
            _log.warning("command.unanswered", name=name, error=type(error).__name__)
            unanswered = CommandTimeout({"seconds": self.deadline, "retryAfter": _RETRY_AFTER})
            return await self.pipeline.refuse(kind, name, ctx, unanswered)
        return decode_reply(reply.data)


def commands_of(pipeline: Pipeline, nc: Any, settings: Settings) -> Invoker:
    """The gateway's invoker: the pipeline, or RemoteCommands when modules are routed."""
    if not settings.remote_modules:
        return pipeline
    return RemoteCommands(pipeline, nc, settings.remote_modules, settings.command_deadline_seconds)


class CommandServer:
    """Answers the commands of `modules` sent by gateways, in queue group `commands`."""

    def __init__(self, nc: Any, pipeline: Pipeline, modules: Collection[str] = ()) -> None:
        """`modules`: their names; none: every module that has commands."""
        having = {m.name for m in pipeline.app.modules if m.commands}
        unknown = sorted(set(modules) - having)
        if unknown:
            raise ValueError(f"no commands in modules {unknown}; known: {sorted(having)}")
        self.nc, self.pipeline = nc, pipeline
        self.modules = tuple(sorted(modules or having))
        self.answering: set[asyncio.Task[None]] = set()

    async def run(self, stopping: asyncio.Event) -> None:
        """Subscribe, answer until `stopping`, then drain (no new request; those received
        are answered) and finish the answers under way."""
        subscriptions = [
            await self.nc.subscribe(subject_of(module, "*"), queue=QUEUE, cb=self._received)
            for module in self.modules
        ]
        _log.info("commands.serving", modules=list(self.modules))
        await stopping.wait()
        for subscription in subscriptions:
            with contextlib.suppress(TimeoutError, nats.errors.Error):  # NATS away: no interest
                await subscription.drain()
        if self.answering:
            await asyncio.wait(self.answering)

    async def _received(self, msg: Any) -> None:
        """Answer in a task of its own: the subscription's next request is not held up."""
        task = asyncio.create_task(self.answer(msg))
        self.answering.add(task)
        task.add_done_callback(self.answering.discard)

    async def answer(self, msg: Any) -> None:
        """Run one request's command in a context forked from the gateway's, and reply."""
        try:
            ctx, raw = invocation_of(msg.headers or {}, msg.data)
        except (KeyError, ValueError, binascii.Error, msgspec.MsgspecError) as error:
            _log.warning("commands.malformed", subject=msg.subject, error=repr(error)[:200])
            refused = InvalidPayload({"reason": "malformed request"})
            await _respond(msg, Result(refused.status, {}, refused))
            return
        name = msg.subject.rsplit(".", 1)[-1]
        await _respond(msg, await self.pipeline.invoke("command", name, raw, ctx))


def invocation_of(headers: Mapping[str, str], data: bytes) -> tuple[Context, Any]:
    """The forked context and the raw payload of a request; raises when either is malformed."""
    ctx = decode_context(headers[CONTEXT_HEADER]).fork()
    return ctx, msgspec.json.decode(data) if data else None


async def _respond(msg: Any, result: Result) -> None:
    try:
        await msg.respond(encode_reply(result))
    except Exception as error:  # the connection is away: the gateway answers its 504
        _log.warning("commands.reply-lost", subject=msg.subject, error=repr(error)[:200])
