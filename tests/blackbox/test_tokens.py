"""Access tokens: only an unexpired EdDSA token signed by the server, untouched, gets in."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from tests.blackbox._api import System, Tenant, TokenFor, call, claims_of, eventually, log_in


@dataclass(frozen=True)
class Material:
    """What a forger may hold: a real token, the public JWKS, and (for expiry tests) the key."""

    token: str
    kid: str
    public_x: str
    server_key: ed25519.Ed25519PrivateKey
    other_tenant_id: str
    root_folder_id: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _with_payload(token: str, **changes: Any) -> str:
    """The token with its payload changed and its header and signature kept."""
    header, payload, signature = token.split(".")
    claims = {**json.loads(_unb64(payload)), **changes}
    return ".".join((header, _b64(json.dumps(claims).encode()), signature))


def _signed(m: Material, key: Any = None, algorithm: str = "EdDSA", **changes: Any) -> str:
    """The real token's claims, changed, signed by `key` (the server's own by default)."""
    claims = {**claims_of(m.token), **changes}
    return jwt.encode(claims, key or m.server_key, algorithm=algorithm, headers={"kid": m.kid})


def _unsigned(m: Material) -> str:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": m.kid}).encode())
    return f"{header}.{m.token.split('.')[1]}."


def _altered_signature(m: Material) -> str:
    head, payload, signature = m.token.split(".")
    middle = len(signature) // 2
    flipped = "A" if signature[middle] != "A" else "B"
    return f"{head}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"


def _at(offset: int, lifetime: int = 600) -> dict[str, int]:
    now = int(time.time())
    return {"iat": now + offset, "nbf": now + offset, "exp": now + offset + lifetime}


FORGERIES: dict[str, Callable[[Material], str]] = {
    "alg-none": _unsigned,
    "hs256-with-the-public-key": lambda m: _signed(m, _unb64(m.public_x), "HS256"),
    "rs256-header": lambda m: _signed(
        m, rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256"
    ),
    "eddsa-by-a-stranger-key": lambda m: _signed(m, ed25519.Ed25519PrivateKey.generate()),
    "tenant-changed": lambda m: _with_payload(m.token, tid=m.other_tenant_id),
    "roles-changed": lambda m: _with_payload(
        m.token, roles=[{"role": "tenant-admin", "folderId": m.root_folder_id}]
    ),
    "signature-altered": _altered_signature,
    "expired": lambda m: _signed(m, **_at(-3600)),
    "not-yet-valid": lambda m: _signed(m, **_at(+600)),
    "lifetime-too-long": lambda m: _signed(m, **_at(0, lifetime=24 * 3600)),
    "session-claim-missing": lambda m: jwt.encode(
        {k: v for k, v in claims_of(m.token).items() if k != "sid"},
        m.server_key,
        algorithm="EdDSA",
        headers={"kid": m.kid},
    ),
    "unknown-kid": lambda m: jwt.encode(
        claims_of(m.token),
        m.server_key,
        algorithm="EdDSA",
        headers={"kid": "01UNKNOWNKID0000000000000"},
    ),
    "garbage": lambda m: "abc",
}


@pytest.fixture(scope="module")
async def material(
    http: httpx.AsyncClient, system: System, token_for: TokenFor, acme: Tenant, globex: Tenant
) -> Material:
    keys = system.var_dir / "secrets" / "signing-keys"
    kid = (keys / "active").read_text().strip()
    server_key = serialization.load_pem_private_key((keys / f"{kid}.pem").read_bytes(), None)
    assert isinstance(server_key, ed25519.Ed25519PrivateKey)
    jwks = (await http.get("/.well-known/jwks.json")).json()["keys"]
    public_x = next(key["x"] for key in jwks if key["kid"] == kid)
    token = await token_for("editor@acme")
    return Material(token, kid, public_x, server_key, globex.tenant_id, acme.folders["Global"])


async def _status(http: httpx.AsyncClient, authorization: str) -> tuple[int, str | None]:
    response = await http.post(
        "/queries/list-folders", json={}, headers={"Authorization": authorization}
    )
    return response.status_code, response.json().get("messageKey")


async def test_a_token_signed_like_the_server_with_fresh_times_is_accepted(
    http: httpx.AsyncClient, material: Material
) -> None:
    """The forging helpers are sound: the real claims re-signed by the real key get in."""
    # given
    token = _signed(material, **_at(0))
    # when
    status = await _status(http, f"Bearer {token}")
    # then
    assert (200, None) == status


@pytest.mark.parametrize("forgery", FORGERIES)
async def test_a_forged_or_tampered_token_is_refused(
    forgery: str, http: httpx.AsyncClient, material: Material
) -> None:
    """Every forged, tampered, expired or malformed token gets 401 errors.unauthenticated."""
    # given
    token = FORGERIES[forgery](material)
    # when
    status = await _status(http, f"Bearer {token}")
    # then
    assert (401, "errors.unauthenticated") == status


@pytest.mark.parametrize("authorization", ["Basic ZWRpdG9yOnNlY3JldA==", "Bearer", "Token abc"])
async def test_an_authorization_without_a_bearer_token_is_refused(
    authorization: str, http: httpx.AsyncClient
) -> None:
    """A header with another scheme or no token gets 401 errors.unauthenticated."""
    # when
    status = await _status(http, authorization)
    # then
    assert (401, "errors.unauthenticated") == status


async def test_a_token_stops_working_after_log_out(http: httpx.AsyncClient, system: System) -> None:
    """Once its session is logged out, a token gets 401 identity.session-ended."""
    # given
    token = await log_in(http, "viewer@globex.test", system.password)
    # when
    logged_out = await call(http, "commands/log-out", {}, token)
    # then
    assert 200 == logged_out.status_code
    status = await eventually(
        lambda: _status(http, f"Bearer {token}"), lambda found: found[0] == 401
    )
    assert (401, "identity.session-ended") == status


async def test_a_logged_out_session_changes_nothing_whatever_the_command_does(
    http: httpx.AsyncClient, system: System, acme: Tenant, token_for: TokenFor
) -> None:
    """After log-out, a command that would only append (run as one statement), a command
    the policy refuses before anything is read, and a list (one statement that runs the
    session check itself) all get 401 identity.session-ended, and nothing is kept: the
    session check runs in every invocation, however little it reads."""
    # given
    admin = await token_for("admin@acme")
    france = {"folderId": acme.folders["France"]}
    assert 200 == (await call(http, "queries/list-projects", france, admin)).status_code
    editor = await log_in(http, "editor@acme.test", system.password)
    viewer = await log_in(http, "viewer@acme.test", system.password)  # may not create
    for token in (editor, viewer):
        assert 200 == (await call(http, "commands/log-out", {}, token)).status_code
    name = f"after log-out {time.time_ns()}"
    # when
    appended = await call(http, "commands/create-project", {**france, "name": name}, editor)
    denied = await call(http, "commands/create-project", {**france, "name": name}, viewer)
    listed_alone = await call(http, "queries/list-projects", france, editor)
    # then
    for answer in (appended, denied, listed_alone):
        assert (401, "identity.session-ended") == (answer.status_code, answer.json()["messageKey"])
    control = {**france, "name": f"{name}, control"}
    assert 200 == (await call(http, "commands/create-project", control, admin)).status_code

    async def names() -> set[str]:  # the catalog applies in order: the control comes after
        listed = await call(http, "queries/list-projects", france, admin)
        return {project["name"] for project in listed.json()["projects"]}

    listed = await eventually(names, lambda found: control["name"] in found)
    assert control["name"] in listed
    assert name not in listed
