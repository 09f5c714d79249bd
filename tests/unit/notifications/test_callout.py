"""The auth callout's decisions, on requests shaped like nats-server's, with no server."""

from __future__ import annotations

import os
import time
from typing import Any

import nkeys
import pytest

from ossature.kernel.ids import new_id
from ossature.modules.identity._tokens import AccessClaims, KeyRing, RoleGrant, SigningKey
from ossature.modules.notifications import _nats_jwt
from ossature.modules.notifications.callout import AuthCallout, owns_client_id

NOW = 1_800_000_000
TENANT, ACCOUNT, SESSION = "01TENANT00000000000000000A", "01ACCOUNT0000000000000000A", "s1"
ISSUER_SEED = nkeys.encode_seed(os.urandom(32), nkeys.PREFIX_BYTE_ACCOUNT).decode()
SERVER = nkeys.from_seed(nkeys.encode_seed(os.urandom(32), nkeys.PREFIX_BYTE_SERVER))
USER_NKEY = "UCONNECTINGUSERNKEY"
RING = KeyRing(SigningKey.generate())


def token(ring: KeyRing = RING, *, tenant: str = TENANT, expires: int = NOW + 600) -> str:
    return ring.issue(
        AccessClaims(
            account_id=ACCOUNT,
            tenant_id=tenant,
            session_id=SESSION,
            locale="en",
            grants=(RoleGrant("project-viewer", "f1"),),
            issued_at=expires - 900,
            not_before=expires - 900,
            expires_at=expires,
            token_id=new_id(),
        )
    )


def request(password: str, user: str = TENANT, mqtt_id: str | None = f"{ACCOUNT}-web") -> bytes:
    info: dict[str, Any] = {"type": "mqtt" if mqtt_id else "client"}
    if mqtt_id:
        info["mqtt_id"] = mqtt_id
    claims = {
        "iss": SERVER.public_key.decode(),
        "aud": "nats-authorization-request",
        "nats": {
            "server_id": {"id": "NSERVERID", "name": "ossature"},
            "user_nkey": USER_NKEY,
            "client_info": info,
            "connect_opts": {"user": user, "pass": password},
            "type": "authorization_request",
            "version": 2,
        },
    }
    return _nats_jwt.encode(claims, SERVER).encode()


def callout(open_sessions: frozenset[str] = frozenset({SESSION})) -> AuthCallout:
    async def is_open(claims: AccessClaims) -> bool:
        return claims.session_id in open_sessions

    return AuthCallout(RING, is_open, ISSUER_SEED, "USERS", clock=lambda: NOW)


async def answered(gate: AuthCallout, message: bytes) -> dict[str, Any]:
    """The response's `nats` claims, its signature checked against the issuer key."""
    response = await gate.answer(message)
    assert response is not None
    claims = _nats_jwt.verify(response.decode(), gate.issuer_key)
    assert (claims["aud"], claims["sub"]) == ("NSERVERID", USER_NKEY)
    return dict(claims["nats"])


async def test_a_valid_token_is_admitted_to_its_own_topics_and_the_broadcasts_only() -> None:
    """The user JWT: account USERS, subscribe to its own subtree and the broadcast topics
    (announcements), publish nothing, token's expiry."""
    gate = callout()
    response = await answered(gate, request(token()))
    user = _nats_jwt.verify(response["jwt"], gate.issuer_key)
    own = f"tenants.{TENANT}.users.{ACCOUNT}"
    assert {
        "aud": "USERS",
        "sub": USER_NKEY,
        "iss": gate.issuer_key,
        "exp": NOW + 600,
        "pub": {"deny": [">"]},
        "sub_allow": [own, f"{own}.>", "announcements"],
    } == {
        "aud": user["aud"],
        "sub": user["sub"],
        "iss": user["iss"],
        "exp": user["exp"],
        "pub": user["nats"]["pub"],
        "sub_allow": user["nats"]["sub"]["allow"],
    }


async def test_a_nats_client_without_an_mqtt_id_is_admitted() -> None:
    """A plain NATS connection (no MQTT client id) with a valid token gets a user JWT."""
    assert "jwt" in await answered(callout(), request(token(), mqtt_id=None))


def test_an_mqtt_client_id_belongs_to_its_account() -> None:
    """Client ids belong to an account when they are its id or start with `<id>-`."""
    assert (True, True, False, False) == (
        owns_client_id(ACCOUNT, ACCOUNT),
        owns_client_id(ACCOUNT, f"{ACCOUNT}-tab-2"),
        owns_client_id(ACCOUNT, f"{ACCOUNT}x"),
        owns_client_id(ACCOUNT, "someone-else"),
    )


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("forged", "unknown-key"),
        ("expired", "expired"),
        ("other-tenant", "tenant"),
        ("foreign-client-id", "client-id"),
        ("no-token", "no-token"),
        ("session-ended", "session-ended"),
        ("not-a-token", "malformed"),
    ],
)
async def test_a_connection_is_refused_with_a_reason(case: str, reason: str) -> None:
    """Each refusal answers an error (the server then refuses the connection), never a JWT."""
    message = {
        "forged": request(token(KeyRing(SigningKey.generate()))),
        "expired": request(token(expires=NOW - 60)),
        "other-tenant": request(token(tenant="01OTHERTENANT000000000000A")),
        "foreign-client-id": request(token(), mqtt_id="01SOMEONEELSE000000000000A-web"),
        "no-token": request(""),
        "session-ended": request(token()),
        "not-a-token": request("hello"),
    }[case]
    gate = callout(frozenset() if case == "session-ended" else frozenset({SESSION}))
    assert {"error": reason, "type": "authorization_response", "version": 2} == await answered(
        gate, message
    )


async def test_an_unreadable_request_gets_no_answer() -> None:
    """A request that is not a NATS JWT is not answered (the server times out and refuses)."""
    assert await callout().answer(b"not a jwt") is None


def test_a_jwt_signed_by_another_key_does_not_verify() -> None:
    """`verify` checks the ed25519-nkey signature against the named public key."""
    other = nkeys.from_seed(nkeys.encode_seed(os.urandom(32), nkeys.PREFIX_BYTE_ACCOUNT))
    signed = _nats_jwt.encode({"iat": int(time.time())}, SERVER)
    with pytest.raises(_nats_jwt.MalformedJwt):
        _nats_jwt.verify(signed, other.public_key.decode())
