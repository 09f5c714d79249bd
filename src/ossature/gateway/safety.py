"""The last guard: a failure no route expected still answers problem+json, logged as one line.

Without it Starlette answers such a failure in text/plain and the server prints a
traceback of many lines; here it is `errors.internal` with an invocation id, and one
JSON log line carrying the same id and the exception.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ossature.kernel.logging import get_logger

__all__ = ["AnswerEveryFailure"]

_log = get_logger("ossature.gateway")


class AnswerEveryFailure:
    """ASGI middleware: an exception out of the app becomes `answer(request)`'s response."""

    def __init__(self, app: ASGIApp, answer: Callable[[Request], tuple[str, Response]]) -> None:
        self.app, self.answer = app, answer

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
        except Exception:
            invocation_id, response = self.answer(Request(scope))
            _log.exception(
                "gateway.failed", path=scope.get("path", "")[:200], invocation_id=invocation_id
            )
            if not started:  # once an answer has begun, only closing the connection is left
                await response(scope, receive, send)
