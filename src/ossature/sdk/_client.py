"""The async HTTP client: commands, queries, batches, retries with a stable idempotency key."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Unpack
from urllib.parse import quote

import httpx

from ossature.sdk._admin import AdminCalls
from ossature.sdk._backends import Backend, Http
from ossature.sdk._errors import (
    MfaRequired,
    OssatureError,
    Unauthenticated,
    backoff_delay,
    error_from_problem,
    network_error,
    should_retry,
)
from ossature.sdk._plans import PlanCalls
from ossature.sdk._push import Subscription, TokenProvider, token_claims
from ossature.sdk._types import (
    CallOptions,
    Invocation,
    Json,
    Kind,
    Outcome,
    Session,
    new_ulid,
)
from ossature.sdk._wire import call_headers, decoded, json_object

__all__ = ["Client"]


class Client(AdminCalls, PlanCalls):
    """One identity talking to Ossature; `with_token` adds others on the same connection.

    `backend` says where calls go: a URL (or `Http(url)`) for a server over the network,
    `InProcess(gateway_of(system))` for a gateway in this process. The surface is the same.
    `headers` go with every request (a web app names its browser: X-Forwarded-For,
    User-Agent).
    """

    def __init__(
        self,
        backend: Backend | str,
        *,
        token: str | None = None,
        locale: str | None = None,
        refresh_token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.token = token
        self.locale = locale
        self.refresh_token = refresh_token  # kept by log_in: access_token() renews with it
        self.headers = dict(headers or {})
        self.last_invocation_id: str | None = None
        self.last_trace_id: str | None = None
        self._http = (Http(backend) if isinstance(backend, str) else backend).connect()
        self._owns_http = True
        self._credentials: tuple[str, str, str] | None = None  # kept by log_in, to log in again
        self._discovery: Json | None = None

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection, unless this client borrowed it from another."""
        if self._owns_http:
            await self._http.aclose()

    def with_token(self, token: str | None) -> Client:
        """Another identity sharing this client's connection; closing it leaves that open."""
        clone = copy.copy(self)
        clone.token, clone._owns_http, clone._credentials = token, False, None
        clone.refresh_token = None
        clone.last_invocation_id = clone.last_trace_id = None
        return clone

    async def as_user(self, tenant: str, email: str, password: str) -> Client:
        """A client on this connection, logged in as another account."""
        other = self.with_token(None)
        await other.log_in(tenant, email, password)
        return other

    async def command(
        self, name: str, payload: Json | None = None, **options: Unpack[CallOptions]
    ) -> Json:
        """Run command `name`; its outcome, or OssatureError. Retries keep the idempotency key."""
        return await self._invoke("commands", name, payload, options)

    async def query(
        self, name: str, payload: Json | None = None, **options: Unpack[CallOptions]
    ) -> Json:
        """Run query `name`; its answer, or OssatureError."""
        return await self._invoke("queries", name, payload, options)

    async def batch(
        self, kind: Kind, invocations: Sequence[Invocation], **options: Unpack[CallOptions]
    ) -> list[Outcome]:
        """Run several commands (or queries) in one request; one Outcome each, in order."""
        body = {"invocations": [invocation.to_wire() for invocation in invocations]}
        response = await self._post(f"/{kind}", body, options)
        return [Outcome.from_wire(o) for o in json_object(response).get("outcomes", [])]

    async def get(self, path: str) -> httpx.Response:
        """A raw GET (health, JWKS, metrics, OpenAPI); the answer whatever its status."""
        try:
            response = await self._http.get(path, headers=self._headers({}))
        except httpx.TransportError as exc:
            raise network_error(repr(exc)) from exc
        self._remember(response)
        return response

    async def _invoke(
        self, kind: Kind, name: str, payload: Json | None, options: CallOptions
    ) -> Json:
        response = await self._post(f"/{kind}/{quote(name, safe='')}", payload or {}, options)
        return json_object(response)

    async def _post(self, path: str, body: Json, options: CallOptions) -> httpx.Response:
        headers = {"Accept": "application/json", **self._headers(options)}
        headers.setdefault("Idempotency-Key", new_ulid())  # the same key on every retry
        retries, attempt = options.get("retries", 0), 0
        while isinstance(answer := await self._attempt(path, body, headers), OssatureError):
            if not should_retry(answer.status, answer.retryable, attempt, retries):
                raise answer
            await asyncio.sleep(backoff_delay(attempt))
            attempt += 1
        return answer

    async def _attempt(
        self, path: str, body: Json, headers: dict[str, str]
    ) -> httpx.Response | OssatureError:
        try:
            response = await self._http.post(path, json=body, headers=headers)
        except httpx.TransportError as exc:
            error = network_error(repr(exc))
            error.__cause__ = exc
            return error
        self._remember(response)
        if response.is_success:
            return response
        return error_from_problem(response.status_code, decoded(response), self.last_invocation_id)

    def _headers(self, options: CallOptions) -> dict[str, str]:
        return {**self.headers, **call_headers(self.token, self.locale, options)}

    def _remember(self, response: httpx.Response) -> None:
        self.last_invocation_id = response.headers.get("X-Invocation-Id")
        self.last_trace_id = response.headers.get("X-Trace-Id")

    # Server push.

    async def configuration(self) -> Json:
        """The server's discovery document (`/.well-known/ossature-configuration`), fetched once."""
        if self._discovery is None:
            response = await self.get("/.well-known/ossature-configuration")
            if not response.is_success:
                raise error_from_problem(response.status_code, decoded(response))
            self._discovery = json_object(response)
        return self._discovery

    async def access_token(self, margin: float = 30.0) -> str:
        """A token valid for `margin` seconds more: the current one, or a renewed one.

        It is renewed by refresh-session when this client holds a refresh token (from its
        log-in, or given), else (or once the session has ended) by logging in again with the
        credentials of this client's `log_in`; without either an expiring token is returned
        as it is (the server will refuse it once expired).
        """
        if self.token and token_claims(self.token).get("exp", 0) - time.time() > margin:
            return self.token
        if self.refresh_token is not None:
            try:
                await self.refresh_session()
                return str(self.token)
            except Unauthenticated:
                if self._credentials is None:
                    raise
        if self._credentials is not None:
            await self.log_in(*self._credentials)
        if not self.token:
            raise Unauthenticated(401, "errors.unauthenticated", {"reason": "no token"})
        return self.token

    def subscribe(
        self, token: TokenProvider | None = None, *, websocket: bool = False
    ) -> Subscription:
        """This user's notifications, as an async iterator (and an async context manager).

        `token` gives a valid access token at each (re)connection; by default the client's
        own, renewed by logging in again when it expires. `websocket` connects over MQTT
        over WebSocket, as a browser would.
        """
        return Subscription(self.configuration, token or self.access_token, websocket=websocket)

    # Thin typed calls, one per name in the contract.

    async def log_in(self, tenant: str, email: str, password: str) -> Session:
        """Log in and keep the access token for the following calls."""
        self.token = None  # log-in is public; a stale token must not get in its way
        body = {"tenant": tenant, "email": email, "password": password}
        answer = await self.command("log-in", body)
        if answer.get("mfaRequired"):
            raise MfaRequired(str(answer["mfaToken"]))
        self._credentials = (tenant, email, password)
        return self._keep(Session.from_answer(answer))

    async def complete_log_in(
        self, mfa_token: str, *, code: str | None = None, recovery_code: str | None = None
    ) -> Session:
        """Complete a log-in that raised MfaRequired with a TOTP code or a recovery code, and
        keep the access token. It is not renewed by logging in again: that needs a code."""
        self.token = None
        proof = {"code": code} if recovery_code is None else {"recoveryCode": recovery_code}
        answer = await self.command("complete-log-in", {"mfaToken": mfa_token, **proof})
        self._credentials = None
        return self._keep(Session.from_answer(answer))

    async def refresh_session(self) -> Session:
        """Renew the access token with this client's refresh token and keep it; Unauthenticated
        (`identity.session-ended`) once the session has ended or gone idle too long. Retried on
        a concurrent renewal of the same session."""
        if self.refresh_token is None:
            raise Unauthenticated(401, "errors.unauthenticated", {"reason": "no refresh token"})
        body = {"refreshToken": self.refresh_token}
        anonymous = self.with_token(None)  # public: a stale token must not get in its way
        try:
            answer = await anonymous.command("refresh-session", body, retries=3)
        finally:
            self.last_invocation_id = anonymous.last_invocation_id
            self.last_trace_id = anonymous.last_trace_id
        return self._keep(Session.from_answer(answer))

    def _keep(self, session: Session) -> Session:
        self.token, self.refresh_token = session.access_token, session.refresh_token
        return session

    async def log_out(self) -> None:
        """End the session on the server and forget the token."""
        await self.command("log-out", {})
        self.token, self._credentials, self.refresh_token = None, None, None

    async def set_my_locale(self, locale: str) -> None:
        """The account's language (en, fr, ar): the next log-in or refresh_session's token
        carries it."""
        await self.command("set-my-locale", {"locale": locale})

    async def create_folder(self, parent_id: str, name: str, **options: Unpack[CallOptions]) -> str:
        answer = await self.command(
            "create-folder", {"parentId": parent_id, "name": name}, **options
        )
        return str(answer["folderId"])

    async def create_project(
        self, folder_id: str, name: str, **options: Unpack[CallOptions]
    ) -> str:
        payload = {"folderId": folder_id, "name": name}
        return str((await self.command("create-project", payload, **options))["projectId"])

    async def rename_project(
        self,
        project_id: str,
        name: str,
        expected_version: int | None = None,
        **options: Unpack[CallOptions],
    ) -> int:
        """Rename; the project's new version."""
        payload: Json = {"projectId": project_id, "name": name}
        if expected_version is not None:
            payload["expectedVersion"] = expected_version
        return int((await self.command("rename-project", payload, **options))["version"])

    async def archive_project(self, project_id: str, **options: Unpack[CallOptions]) -> int:
        """Archive; the project's new version."""
        answer = await self.command("archive-project", {"projectId": project_id}, **options)
        return int(answer["version"])

    async def unarchive_project(self, project_id: str, **options: Unpack[CallOptions]) -> int:
        """Bring back from the archive; the project's new version."""
        answer = await self.command("unarchive-project", {"projectId": project_id}, **options)
        return int(answer["version"])

    async def list_folders(self) -> list[Json]:
        return list((await self.query("list-folders"))["folders"])

    async def list_projects(
        self, folder_id: str | None = None, include_subfolders: bool | None = None
    ) -> list[Json]:
        """The projects this identity may see, in one folder (and its subfolders) or anywhere."""
        payload: Json = {"folderId": folder_id, "includeSubfolders": include_subfolders}
        payload = {key: value for key, value in payload.items() if value is not None}
        return list((await self.query("list-projects", payload))["projects"])

    async def get_project(self, project_id: str) -> Json:
        return await self.query("get-project", {"projectId": project_id})

    async def get_project_history(self, project_id: str) -> list[Json]:
        """Every entry of the project's history, oldest first, its pages followed."""
        entries: list[Json] = []
        after: int | None = None
        while True:
            page = await self.search_project_history(project_id, after=after, limit=500)
            entries += page["entries"]
            after = page["next"]
            if after is None:
                return entries

    async def search_project_history(
        self,
        project_id: str,
        text: str | None = None,
        *,
        newest_first: bool = False,
        after: int | None = None,
        limit: int = 100,
    ) -> Json:
        """One page of a project's history ({entries, next}): `next` goes in `after`."""
        payload: Json = {"projectId": project_id, "newestFirst": newest_first, "limit": limit}
        payload |= {"text": text} if text else {}
        payload |= {"after": after} if after is not None else {}
        return await self.query("get-project-history", payload)

    async def report_problem(
        self, invocation_id: str, description: str = "", **options: Unpack[CallOptions]
    ) -> Json:
        """Report an invocation of this identity's that failed unexpectedly: an investigation
        is opened and the invocation retried once; the answer says how the retry went."""
        payload = {"invocationId": invocation_id, "description": description}
        return await self.command("report-problem", payload, **options)

    async def list_my_reports(self) -> list[Json]:
        return list((await self.query("list-my-reports"))["reports"])

    async def list_investigations(self, status: str | None = None) -> list[Json]:
        """Every tenant's investigations (the platform's operator)."""
        payload: Json = {} if status is None else {"status": status}
        return list((await self.query("list-investigations", payload))["investigations"])

    async def resolve_investigation(
        self, investigation_id: str, answer: str, **options: Unpack[CallOptions]
    ) -> int:
        """Answer and close an investigation (the platform's operator); its new version."""
        payload = {"id": investigation_id, "answer": answer}
        return int((await self.command("resolve-investigation", payload, **options))["version"])

    async def publish_announcement(
        self,
        title: dict[str, str],
        body: dict[str, str],
        link: str | None = None,
        **options: Unpack[CallOptions],
    ) -> str:
        """A new entry of the changelog, title and body by locale (`en` required)."""
        payload: Json = {"title": title, "body": body}
        if link is not None:
            payload["link"] = link
        answer = await self.command("publish-announcement", payload, **options)
        return str(answer["announcementId"])

    async def list_announcements(self, **filters: object) -> Json:
        """The changelog, newest first: `text`, `since`, `until` (ISO days), `limit`, `offset`;
        the answer's `announcements` and `total`."""
        payload = {k: v for k, v in filters.items() if v is not None}
        return await self.query("list-announcements", payload)

    async def get_my_permissions(self, folder_id: str) -> list[str]:
        return list((await self.query("get-my-permissions", {"folderId": folder_id}))["actions"])

    async def get_message_catalog(self, locale: str) -> dict[str, str]:
        return dict((await self.query("get-message-catalog", {"locale": locale}))["messages"])
