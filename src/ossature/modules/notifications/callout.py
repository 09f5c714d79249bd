"""The auth callout: NATS asks Ossature whom to admit, and with which rights.

Every connection that is not one of Ossature's own (MQTT clients, MQTT over WebSocket,
NATS clients with a user token) makes the server send an authorization request to
`$SYS.REQ.USER.AUTH`. The answer admits the connection only when:

- its password is an Ossature access token that the key ring verifies (signature, known
  key, not expired), whose session is still open;
- its user name is the token's tenant id (a token of another tenant is refused);
- an MQTT client id, when there is one, is the account id or starts with `<account id>-`
  (so that nobody can take over another user's MQTT session).

The admitted connection gets a user JWT for account USERS that may subscribe only to
`tenants.<tenant>.users.<account>` and below, may publish nothing, and expires with the
access token: the server disconnects the client at that moment.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import nkeys

from ossature.kernel.database import Database
from ossature.kernel.ids import new_id
from ossature.kernel.logging import get_logger
from ossature.kernel.reconnect import connect_reconnecting
from ossature.modules.identity._tokens import AccessClaims, InvalidToken, KeyRing
from ossature.modules.identity.projections import session_is_active
from ossature.modules.notifications import _nats_jwt
from ossature.modules.notifications.topics import BROADCAST_TOPICS, is_subject_token

__all__ = [
    "CALLOUT_SUBJECT",
    "AuthCallout",
    "Refused",
    "owns_client_id",
    "sessions_in",
    "user_permissions",
]

CALLOUT_SUBJECT = "$SYS.REQ.USER.AUTH"
_QUEUE = "ossature-auth"
_log = get_logger("ossature.callout")
SessionOpen = Callable[[AccessClaims], Awaitable[bool]]


class Refused(Exception):
    """The connection is not admitted; `reason` says why, in a stable word."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sessions_in(db: Database) -> SessionOpen:
    """A check that the token's session is still open, read from the identity read model."""

    async def is_open(claims: AccessClaims) -> bool:
        async with db.transaction(claims.tenant_id, readonly=True) as conn:
            return await session_is_active(conn, claims.session_id, datetime.now(UTC))

    return is_open


def owns_client_id(account_id: str, client_id: str) -> bool:
    """True when an MQTT client id belongs to the account: the id itself, or `<id>-…`."""
    return client_id == account_id or client_id.startswith(f"{account_id}-")


def user_permissions(tenant_id: str, account_id: str) -> dict[str, Any]:
    """The `nats` claims of an admitted user: subscribe to its own topics and the broadcast
    topics, publish nothing."""
    own = f"tenants.{tenant_id}.users.{account_id}"
    return {
        "pub": {"deny": [">"]},
        "sub": {"allow": [own, f"{own}.>", *BROADCAST_TOPICS]},
        "subs": -1,
        "data": -1,
        "payload": -1,
        "type": "user",
        "version": 2,
    }


class AuthCallout:
    """Answers authorization requests with a user JWT signed by the issuer account key."""

    def __init__(
        self,
        keys: KeyRing,
        is_open: SessionOpen,
        issuer_seed: str,
        account: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.keys, self.is_open, self.account, self.clock = keys, is_open, account, clock
        self.issuer = nkeys.from_seed(issuer_seed.encode())
        self.issuer_key = self.issuer.public_key.decode()

    async def answer(self, request: bytes) -> bytes | None:
        """The signed authorization response to a request; None when the request is unreadable."""
        try:
            details = _nats_jwt.decode(request)["nats"]
            server, user_nkey = details["server_id"]["id"], details["user_nkey"]
        except (_nats_jwt.MalformedJwt, KeyError, TypeError):
            _log.warning("callout.unreadable-request")
            return None
        now = int(self.clock())
        try:
            claims = await self.admit(details, now)
            outcome = {"jwt": self.user_jwt(claims, user_nkey, now)}
        except Refused as refused:
            _log.info("callout.refused", reason=refused.reason, client=_client_type(details))
            outcome = {"error": refused.reason}
        return self._sign(server, user_nkey, now, outcome).encode()

    async def admit(self, details: Mapping[str, Any], now: int) -> AccessClaims:
        """The verified claims of the connection's token, or Refused."""
        options = details.get("connect_opts") or {}
        token = options.get("pass") or options.get("auth_token")
        if not isinstance(token, str) or not token:
            raise Refused("no-token")
        try:
            claims = self.keys.verify(token, now)
        except InvalidToken as error:
            raise Refused(error.reason) from None
        if claims.scope is not None:  # a session that may only enroll MFA hears nothing
            raise Refused("restricted")
        _check_names(claims, options.get("user"), (details.get("client_info") or {}).get("mqtt_id"))
        if not await self.is_open(claims):
            raise Refused("session-ended")
        return claims

    def user_jwt(self, claims: AccessClaims, user_nkey: str, now: int) -> str:
        """The user JWT of an admitted connection, expiring with its access token."""
        user = {
            "jti": new_id(),
            "iat": now,
            "iss": self.issuer_key,
            "sub": user_nkey,
            "aud": self.account,
            "name": claims.account_id,
            "exp": claims.expires_at,
            "nats": user_permissions(claims.tenant_id, claims.account_id),
        }
        return _nats_jwt.encode(user, self.issuer)

    def _sign(self, server: str, user_nkey: str, now: int, outcome: dict[str, Any]) -> str:
        response = {
            "jti": new_id(),
            "iat": now,
            "iss": self.issuer_key,
            "sub": user_nkey,
            "aud": server,
            "nats": {**outcome, "type": "authorization_response", "version": 2},
        }
        return _nats_jwt.encode(response, self.issuer)

    async def serve(self, nc: Any, stop: asyncio.Event) -> None:
        """Answer requests on `nc` (the responder's connection) until `stop` is set."""
        pending: set[asyncio.Task[None]] = set()

        async def on_request(message: Any) -> None:
            task = asyncio.create_task(self._reply(message))
            pending.add(task)
            task.add_done_callback(pending.discard)

        subscription = await nc.subscribe(CALLOUT_SUBJECT, queue=_QUEUE, cb=on_request)
        try:
            await stop.wait()
        finally:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()

    async def run(self, url: str, options: Mapping[str, Any], stop: asyncio.Event) -> None:
        """Connect as the responder (retrying until the server answers), then serve."""
        nc = await _connect(url, options, stop)
        if nc is None:
            return
        try:
            await self.serve(nc, stop)
        finally:
            with contextlib.suppress(Exception):  # the server may be gone already
                await nc.close()

    async def _reply(self, message: Any) -> None:
        try:
            answer = await self.answer(message.data)
            if answer is not None:
                await message.respond(answer)
        except Exception:  # one failed answer is a refusal (the server times out), not a crash
            _log.exception("callout.answer-failed")


def _check_names(claims: AccessClaims, user: object, client_id: object) -> None:
    if user != claims.tenant_id:
        raise Refused("tenant")
    if not (is_subject_token(claims.tenant_id) and is_subject_token(claims.account_id)):
        raise Refused("claims")
    if client_id is not None and not owns_client_id(claims.account_id, str(client_id)):
        raise Refused("client-id")


def _client_type(details: Mapping[str, Any]) -> str:
    return str((details.get("client_info") or {}).get("type") or "nats")


async def _connect(url: str, options: Mapping[str, Any], stop: asyncio.Event) -> Any:
    """A connection as the responder, or None when stopped before one could be made."""
    while not stop.is_set():
        try:
            return await connect_reconnecting("ossature-auth", url, options)
        except Exception:
            _log.exception("callout.connect-failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=2.0)
    return None
