"""How the gateway answers: a request's context, then JSON or problem+json with the trace.

The routes of `app.py` answer through one `Responder`, so an answer carries the same
headers and the same problem, whichever route gives it.
"""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response

from ossature.gateway.auth import Authenticator
from ossature.gateway.context import Network, build_context
from ossature.gateway.incoming import Asked
from ossature.gateway.problems import problem
from ossature.kernel import spans
from ossature.kernel.context import Context
from ossature.kernel.errors import DomainError, Internal, Unavailable
from ossature.kernel.i18n import negotiate
from ossature.runtime.contexts import new_trace
from ossature.runtime.pipeline import Pipeline, Result

__all__ = ["Responder", "build_context_safely", "json_response"]

_encoder = msgspec.json.Encoder()


def json_response(
    body: Any,
    status: int = 200,
    headers: dict[str, str] | None = None,
    media: str = "application/json",
) -> Response:
    """`body` encoded as JSON (or as `media`, a JSON type such as problem+json)."""
    return Response(_encoder.encode(body), status, headers=headers, media_type=media)


def build_context_safely(request: Asked) -> Context:
    """A context with fresh ids, for answering a request whose headers were refused."""
    return spans.in_current_span(Context(access=None, trace=new_trace()))


class Responder:
    """Turns requests into contexts and results into responses, for every route."""

    def __init__(
        self,
        pipeline: Pipeline,
        auth: Authenticator,
        trusted: tuple[Network, ...] = (),
        root: str | None = None,
    ) -> None:
        """`trusted`: the proxies whose X-Forwarded-For names the client; `root`: the
        domain under which `<slug>.<root>` is a tenant's entry point (decision 54)."""
        self.pipeline, self.auth, self.trusted, self.root = pipeline, auth, trusted, root
        self.catalogs = pipeline.app.catalogs()

    def headers(self, ctx: Context) -> dict[str, str]:
        """The invocation's ids, on every answer: the client can quote them."""
        return {
            "X-Invocation-Id": ctx.trace.invocation_id,
            "X-Trace-Id": ctx.trace.originating_trace_id,
            "traceparent": ctx.trace.traceparent,
        }

    def locale(self, request: Asked, ctx: Context) -> str:
        """The actor's locale when the catalogs have it, else the best of Accept-Language."""
        actor_locale = ctx.access.locale if ctx.access else None
        return negotiate(
            self.catalogs.locales, actor_locale, request.headers.get("accept-language")
        )

    def answer(self, request: Asked, ctx: Context, result: Result) -> Response:
        """The result as JSON, or its error as problem+json in the request's locale."""
        headers = self.headers(ctx)
        if result.error is None:
            return json_response(result.body, result.status, headers)
        locale = self.locale(request, ctx)
        headers["Content-Language"] = locale
        if "retryAfter" in result.error.params:  # 429: how long to wait, as HTTP says it too
            headers["Retry-After"] = str(result.error.params["retryAfter"])
        body = problem(result.error, ctx.trace.invocation_id, self.catalogs, locale)
        return json_response(body, result.status, headers, "application/problem+json")

    async def context(self, request: Asked) -> Context:
        """The invocation context of a request: its actor (from the token) and its trace."""
        ctx = build_context(request, await self.auth.actor(request), self.trusted, self.root)
        return spans.in_current_span(ctx)

    def failed(self, request: Asked) -> tuple[str, Response]:
        """The answer to a failure no route expected: its invocation id, and a 500 problem."""
        return self._unfinished(request, Internal())

    def cancelled(self, request: Asked) -> tuple[str, Response]:
        """The answer to a request cancelled unfinished (the server stopping): its
        invocation id, and a retryable 503 problem."""
        return self._unfinished(request, Unavailable())

    def _unfinished(self, request: Asked, error: DomainError) -> tuple[str, Response]:
        ctx = build_context_safely(request)
        return ctx.trace.invocation_id, self.answer(request, ctx, Result(error.status, {}, error))

    def refuse(self, request: Asked, error: DomainError, ctx: Context | None = None) -> Response:
        """Answer, log and audit a request refused before the pipeline ran it: a bad token
        or header (no context yet: one with fresh ids), or a malformed body."""
        ctx = ctx or build_context_safely(request)
        self.pipeline.refused(ctx, request.scope["path"], error)
        return self.answer(request, ctx, Result(error.status, {}, error))
