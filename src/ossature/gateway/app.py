"""The HTTP gateway: RPC routes for commands and queries, and the well-known endpoints."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import msgspec
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from ossature.gateway.auth import Authenticator
from ossature.gateway.body import read_json
from ossature.gateway.context import InvalidHeader, Network, proxies
from ossature.gateway.discovery import configuration_endpoint, mqtt_discovery
from ossature.gateway.front import GatewayApp
from ossature.gateway.incoming import Asked
from ossature.gateway.openapi import openapi
from ossature.gateway.responder import Responder, build_context_safely, json_response
from ossature.gateway.safety import AnswerEveryFailure
from ossature.gateway.tracing import RequestSpans
from ossature.kernel.context import Context
from ossature.kernel.errors import DomainError, InvalidPayload
from ossature.kernel.ids import is_ulid, new_id
from ossature.kernel.logging import get_logger
from ossature.modules.identity.credentials import TokenAuthentication
from ossature.runtime.pipeline import Kind, Pipeline, Result
from ossature.runtime.remote import Invoker, commands_of
from ossature.runtime.system import System

__all__ = ["build_gateway", "gateway_of"]

MAX_BATCH = 100  # invocations per batch: each runs in turn, so a batch's time grows with it
_log = get_logger("ossature.gateway")


class _Invocation(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: str
    payload: Any = None
    idempotency_key: str | None = None


class _Batch(msgspec.Struct, forbid_unknown_fields=True):
    invocations: list[_Invocation]


def _kind(request: Asked) -> Kind:
    """Command or query, by the path's first segment (read from the ASGI scope: building
    `request.url` parses the whole URL, about 5 us a request)."""
    return "command" if request.scope["path"].startswith("/commands") else "query"


class Gateway:
    """Routes HTTP requests into the pipeline and answers in JSON or problem+json."""

    def __init__(
        self, responder: Responder, ready: Callable[[], Awaitable[bool]], invoker: Invoker
    ) -> None:
        self.responder, self.ready, self.invoker = responder, ready, invoker
        self.pipeline, self.auth = responder.pipeline, responder.auth
        self.spec = openapi(responder.pipeline.app)

    async def one(self, request: Request) -> Response:
        return await self.invocation(request, request.path_params["name"])

    async def invocation(self, request: Asked, name: str) -> Response:
        """The answer to one invocation, `POST /commands/{name}` or `/queries/{name}`."""
        kind = _kind(request)
        try:
            ctx = await self.responder.context(request)
        except DomainError as error:
            return self.responder.refuse(request, error)
        try:
            raw = await read_json(request)
        except DomainError as error:  # its context is known: audited as any answer
            result = await self.pipeline.refuse(kind, name, ctx, error)
            return self.responder.answer(request, ctx, result)
        result = await self.invoker.invoke(kind, name, raw, ctx)
        return self.responder.answer(request, ctx, result)

    async def batch(self, request: Request) -> Response:
        kind = _kind(request)
        try:
            ctx = await self.responder.context(request)
            batch = msgspec.convert(await read_json(request), _Batch)
            if len(batch.invocations) > MAX_BATCH:
                raise InvalidPayload({"limit": MAX_BATCH}, key="errors.batch-too-large")
        except (msgspec.ValidationError, RecursionError) as error:
            return self.responder.refuse(request, InvalidPayload({"reason": str(error)[:300]}))
        except DomainError as error:
            return self.responder.refuse(request, error)
        outcomes = [await self._batch_item(request, kind, ctx, item) for item in batch.invocations]
        return json_response({"outcomes": outcomes}, 200, self.responder.headers(ctx))

    async def _batch_item(
        self, request: Request, kind: Kind, ctx: Context, item: _Invocation
    ) -> dict[str, Any]:
        child = ctx.fork()
        key = item.idempotency_key
        external = key if key is not None and is_ulid(key) else new_id()
        child = msgspec.structs.replace(
            child, trace=msgspec.structs.replace(child.trace, external_invocation_id=external)
        )
        if key is not None and not is_ulid(key):  # refused as the header is (decision 34)
            refused = InvalidHeader({"header": "idempotency-key"})
            result = await self.pipeline.refuse(kind, item.name, child, refused)
        else:
            result = await self.invoker.invoke(kind, item.name, item.payload, child)
        response = self.responder.answer(request, child, result)
        return {
            "status": result.status,
            "invocationId": child.trace.invocation_id,
            "body": msgspec.json.decode(response.body),
        }

    async def http_error(self, request: Request, error: Exception) -> Response:
        """Unknown paths and wrong methods answer in problem+json too."""
        status = error.status_code if isinstance(error, HTTPException) else 500
        key = {404: "errors.not-found", 405: "errors.method-not-allowed"}.get(
            status, "errors.invalid"
        )
        refused = DomainError({"path": request.url.path[:200]}, key=key)
        refused.status = status
        ctx = build_context_safely(request)
        return self.responder.answer(request, ctx, Result(status, {}, refused))

    async def jwks(self, request: Request) -> Response:
        return json_response(self.auth.keys.jwks(), headers={"Cache-Control": "max-age=300"})

    async def live(self, request: Request) -> Response:
        return json_response({"status": "live"})

    async def health_ready(self, request: Request) -> Response:
        ok = await self.ready()
        return json_response({"status": "ready" if ok else "unavailable"}, 200 if ok else 503)

    async def metrics(self, request: Request) -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    async def openapi(self, request: Request) -> Response:
        return json_response(self.spec)


def build_gateway(
    pipeline: Pipeline,
    auth: Authenticator,
    ready: Callable[[], Awaitable[bool]],
    mqtt: Mapping[str, Any] | None = None,
    trusted: tuple[Network, ...] = (),
    root: str | None = None,
    invoker: Invoker | None = None,
) -> Starlette:
    """The ASGI application; `mqtt` is what the discovery document says about server push;
    `trusted`, the proxies whose X-Forwarded-For is believed; `root`, the domain of the
    tenants' entry points; `invoker`, what runs the invocations (default the pipeline)."""
    responder = Responder(pipeline, auth, trusted, root)
    gateway = Gateway(responder, ready, invoker or pipeline)
    routes = [
        Route("/commands/{name}", gateway.one, methods=["POST"]),
        Route("/queries/{name}", gateway.one, methods=["POST"]),
        Route("/commands", gateway.batch, methods=["POST"]),
        Route("/queries", gateway.batch, methods=["POST"]),
        Route("/.well-known/jwks.json", gateway.jwks, methods=["GET"]),
        Route("/.well-known/ossature-configuration", configuration_endpoint(mqtt), methods=["GET"]),
        Route("/health/live", gateway.live, methods=["GET"]),
        Route("/health/ready", gateway.health_ready, methods=["GET"]),
        Route("/metrics", gateway.metrics, methods=["GET"]),
        Route("/openapi.json", gateway.openapi, methods=["GET"]),
    ]

    def guarded(app: ASGIApp) -> ASGIApp:  # the two middlewares below, in the same order
        return RequestSpans(AnswerEveryFailure(app, responder.failed, responder.cancelled))

    return GatewayApp(
        gateway.invocation,
        guarded,
        routes=routes,
        exception_handlers={HTTPException: gateway.http_error},
        middleware=[
            Middleware(RequestSpans),
            Middleware(AnswerEveryFailure, answer=responder.failed, cancelled=responder.cancelled),
        ],
    )


def gateway_of(system: System) -> Starlette:
    """The gateway of a started system: its pipeline, its signing keys, its engines."""
    assert system.pipeline and system.secrets and system.db
    tokens = TokenAuthentication(system.db, system.secrets.credential_key)
    auth = Authenticator(system.secrets.keys, tokens)
    trusted = proxies(system.settings.trusted_proxies)
    mqtt = mqtt_discovery(system.endpoints)
    root = system.settings.root_domain
    invoker = commands_of(system.pipeline, system.nc, system.settings)  # routed modules' commands
    return build_gateway(system.pipeline, auth, system.ready, mqtt, trusted, root, invoker)
