"""The last guard: a failure no route expected still answers problem+json, logged as one line.

Without it Starlette answers such a failure in text/plain and the server prints a
traceback of many lines; here it is `errors.internal` with an invocation id, and one
JSON log line carrying the same id and the exception. A request cancelled unfinished (a
stop that waited its grace out, runtime/serving.py) answers a retryable 503 the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ossature.kernel.logging import get_logger

__all__ = ["AnswerEveryFailure"]

_log = get_logger("ossature.gateway")


Answer = Callable[[Request], tuple[str, Response]]


class AnswerEveryFailure:
    """ASGI middleware: an exception out of the app becomes `answer(request)`'s response, a
    cancellation `cancelled(request)`'s."""

    def __init__(self, app: ASGIApp, answer: Answer, cancelled: Answer) -> None:
        self.app, self.answer, self.cancelled = app, answer, cancelled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except asyncio.CancelledError:
            # Only a stop whose grace ran out cancels a request's task (runtime/serving.py):
            # the request is answered, and the task ends there, as uvicorn expects of it.
            invocation_id, response = self.cancelled(Request(scope))
            _log.warning(
                "gateway.cancelled", path=scope.get("path", "")[:200], invocation_id=invocation_id
            )
            if not started:
                await response(scope, receive, send)
        except Exception:
            invocation_id, response = self.answer(Request(scope))
            _log.exception(
                "gateway.failed", path=scope.get("path", "")[:200], invocation_id=invocation_id
            )
            if not started:  # once an answer has begun, only closing the connection is left
                await response(scope, receive, send)
