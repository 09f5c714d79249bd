import base64
import hashlib
import hmac
import json
from dataclasses import replace
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from ossature.modules.identity._tokens import (
    AccessClaims,
    InvalidToken,
    KeyRing,
    RoleGrant,
    SigningKey,
)

NOW = 1_800_000_000
CLAIMS = AccessClaims(
    account_id="01JACCOUNT0000000000000000",
    tenant_id="01JTENANT00000000000000000",
    session_id="01JSESSION0000000000000000",
    locale="fr-FR",
    grants=(RoleGrant("owner", "01JFOLDER00000000000000000"), RoleGrant("viewer", "root")),
    issued_at=NOW,
    not_before=NOW,
    expires_at=NOW + 15 * 60,
    token_id="01JTOKEN000000000000000000",
)


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture(scope="module")
def ring(key: SigningKey) -> KeyRing:
    return KeyRing(key)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def segment(value: dict[str, Any]) -> str:
    return b64(json.dumps(value).encode())


def header_of(token: str) -> Any:
    return unb64(token.split(".")[0])


def payload_of(token: str) -> Any:
    return unb64(token.split(".")[1])


def signed(key: SigningKey, header: dict[str, Any], payload: dict[str, Any]) -> str:
    """Sign by hand, to build tokens that KeyRing.issue would never produce."""
    signing_input = f"{segment(header)}.{segment(payload)}"
    return f"{signing_input}.{b64(key.private_key.sign(signing_input.encode()))}"


def flip(text: str, index: int) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


def refusal(ring: KeyRing, token: str, now: int = NOW) -> str:
    """The reason the ring refuses `token`, or "valid"."""
    try:
        ring.verify(token, now)
    except InvalidToken as refused:
        return refused.reason
    return "valid"


def test_an_issued_token_verifies_to_the_same_claims(ring: KeyRing) -> None:
    """A token issued by the ring verifies to the claims it was issued with."""
    expected = CLAIMS

    actual = ring.verify(ring.issue(CLAIMS), NOW)

    assert expected == actual


def test_the_header_names_eddsa_the_active_kid_and_jwt(ring: KeyRing, key: SigningKey) -> None:
    """Issued tokens carry alg EdDSA, the active key's kid and typ JWT."""
    expected = {"alg": "EdDSA", "kid": key.kid, "typ": "JWT"}

    actual = header_of(ring.issue(CLAIMS))

    assert expected == actual


def test_the_payload_carries_the_wire_claim_names(ring: KeyRing) -> None:
    """The claims travel as iss/aud/sub/tid/sid/locale/roles/iat/nbf/exp/jti."""
    roles = [{"role": "owner", "folderId": CLAIMS.grants[0].folder_id}]
    roles += [{"role": "viewer", "folderId": "root"}]
    expected: dict[str, object] = {"iss": "ossature", "aud": "ossature", "roles": roles}
    expected |= {"sub": CLAIMS.account_id}
    expected |= {"tid": CLAIMS.tenant_id, "sid": CLAIMS.session_id, "locale": "fr-FR"}
    expected |= {"iat": NOW, "nbf": NOW, "exp": NOW + 900, "jti": CLAIMS.token_id}

    actual = payload_of(ring.issue(CLAIMS))

    assert expected == actual


def test_an_unsigned_none_token_is_refused(ring: KeyRing, key: SigningKey) -> None:
    """A token with alg none is refused whatever it claims."""
    header = segment({"alg": "none", "typ": "JWT", "kid": key.kid})
    token = f"{header}.{ring.issue(CLAIMS).split('.')[1]}."
    expected = "algorithm"

    actual = refusal(ring, token)

    assert expected == actual


def test_an_hs256_token_keyed_with_the_public_key_is_refused(
    ring: KeyRing, key: SigningKey
) -> None:
    """The HS256-with-the-public-key-as-secret attack is refused."""
    public_pem = key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = segment({"alg": "HS256", "typ": "JWT", "kid": key.kid})
    signing_input = f"{header}.{ring.issue(CLAIMS).split('.')[1]}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    expected = "algorithm"

    actual = refusal(ring, f"{signing_input}.{b64(mac)}")

    assert expected == actual


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (CLAIMS.not_before - 6, "not-yet-valid"),
        (CLAIMS.not_before - 5, "valid"),
        (CLAIMS.expires_at + 4, "valid"),
        (CLAIMS.expires_at + 5, "expired"),
    ],
)
def test_a_token_is_valid_only_within_its_window_give_or_take_5_s(
    ring: KeyRing, now: int, expected: str
) -> None:
    """Before nbf or past exp by more than the 5 s leeway, a token is refused."""
    token = ring.issue(CLAIMS)

    actual = refusal(ring, token, now)

    assert expected == actual


def test_a_token_signed_by_another_key_with_the_same_kid_is_refused(
    ring: KeyRing, key: SigningKey
) -> None:
    """Picking the key by kid does not let an impostor key's signature pass."""
    impostor = KeyRing(SigningKey.from_pem(key.kid, SigningKey.generate().to_pem()))
    expected = "signature"

    actual = refusal(ring, impostor.issue(CLAIMS))

    assert expected == actual


@pytest.mark.parametrize("part", [1, 2], ids=["claims", "signature"])
def test_a_tampered_token_is_refused(ring: KeyRing, part: int) -> None:
    """Changing one character of the claims or of the signature breaks the signature."""
    pieces = ring.issue(CLAIMS).split(".")
    pieces[part] = flip(pieces[part], len(pieces[part]) // 2)
    expected = "signature"

    actual = refusal(ring, ".".join(pieces))

    assert expected == actual


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "e30.e30", "x.e30.e30"])
def test_a_malformed_token_is_refused(ring: KeyRing, token: str) -> None:
    """Something that is not a well-formed JWS is refused as malformed."""
    expected = "malformed"

    actual = refusal(ring, token)

    assert expected == actual


def test_a_token_living_longer_than_thirty_minutes_cannot_be_issued(ring: KeyRing) -> None:
    """Issuing refuses a lifetime over 30 minutes."""
    too_long = replace(CLAIMS, expires_at=CLAIMS.not_before + 30 * 60 + 1)

    with pytest.raises(ValueError, match="lifetime"):
        ring.issue(too_long)


def test_after_rotation_old_tokens_verify_and_new_ones_carry_the_new_kid(ring: KeyRing) -> None:
    """A rotated ring still verifies the old key's tokens and signs with the new key."""
    old_token = ring.issue(CLAIMS)
    new_key = SigningKey.generate()
    rotated = ring.rotated(new_key)
    expected = (CLAIMS, new_key.kid)

    actual = (rotated.verify(old_token, NOW), header_of(rotated.issue(CLAIMS))["kid"])

    assert expected == actual


def test_the_jwks_lists_every_key_with_distinct_kids(ring: KeyRing, key: SigningKey) -> None:
    """The JWKS of a rotated ring holds both public keys, each with its own kid."""
    new_key = SigningKey.generate()
    expected = {"keys": [key.public_jwk(), new_key.public_jwk()]}

    actual = ring.rotated(new_key).jwks()

    assert expected == actual
    assert key.kid != new_key.kid


def test_a_public_jwk_describes_an_ed25519_verification_key(key: SigningKey) -> None:
    """The JWK is an OKP Ed25519 key for EdDSA signatures, with no private part."""
    expected: dict[str, object] = {"kty": "OKP", "crv": "Ed25519", "kid": key.kid}
    expected |= {"alg": "EdDSA", "use": "sig", "x": 43}  # x: 32 bytes, unpadded base64url

    jwk = key.public_jwk()
    actual = jwk | {"x": len(jwk["x"])}

    assert expected == actual


def test_a_key_survives_a_pem_round_trip(ring: KeyRing, key: SigningKey) -> None:
    """A key reloaded from PEM verifies tokens signed before it was saved."""
    reloaded = KeyRing(SigningKey.from_pem(key.kid, key.to_pem()))
    expected = CLAIMS

    actual = reloaded.verify(ring.issue(CLAIMS), NOW)

    assert expected == actual


REQUIRED = ["iss", "aud", "sub", "tid", "sid", "locale", "exp", "nbf", "iat", "jti", "roles"]
MISSING = object()
WRONG_VALUES = [
    ("exp", "soon"),
    ("iat", True),
    ("nbf", 1.5),
    ("sub", 7),
    ("roles", {"role": "owner"}),
    ("roles", [{"role": "owner"}]),
    ("aud", "someone-else"),
    ("aud", ["ossature", "someone-else"]),
    ("iss", "someone-else"),
    ("exp", NOW + 30 * 60 + 1),
]


@pytest.mark.parametrize(("claim", "value"), [(c, MISSING) for c in REQUIRED] + WRONG_VALUES)
def test_a_token_with_a_missing_or_wrong_claim_is_refused(
    ring: KeyRing, key: SigningKey, claim: str, value: object
) -> None:
    """A correctly signed token lacking a claim, or with a mistyped or foreign one, is refused."""
    token = ring.issue(CLAIMS)
    payload = {name: v for name, v in payload_of(token).items() if name != claim}
    payload |= {} if value is MISSING else {claim: value}
    expected = "claims"

    actual = refusal(ring, signed(key, header_of(token), payload))

    assert expected == actual


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ({"alg": "EdDSA", "kid": "01JNOTINTHERING00000000000"}, "unknown-key"),
        ({"alg": "EdDSA"}, "unknown-key"),
        ({"alg": "EdDSA", "kid": 7}, "malformed"),
        ({"alg": "EdDSA", "kid": ["a"]}, "malformed"),
        ({"kid": "any"}, "algorithm"),
        ({"alg": "RS256", "kid": "any"}, "algorithm"),
    ],
)
def test_a_token_without_eddsa_or_a_known_kid_is_refused(
    ring: KeyRing, key: SigningKey, header: dict[str, Any], expected: str
) -> None:
    """A token naming no algorithm or another one, or no kid or an unknown one, is refused."""
    token = signed(key, header, payload_of(ring.issue(CLAIMS)))

    actual = refusal(ring, token)

    assert expected == actual


def test_a_token_accepted_once_is_still_refused_once_expired(key: SigningKey) -> None:
    """The ring remembers a verified token, yet checks its validity window on every use."""
    ring = KeyRing(key)
    token = ring.issue(CLAIMS)

    first = refusal(ring, token, NOW)
    later = refusal(ring, token, CLAIMS.expires_at + 5)
    header, claims, signature = token.split(".")
    forged = ".".join((header, claims, flip(signature, len(signature) // 2)))
    tampered = refusal(ring, forged, NOW)

    assert ("valid", "expired", "signature") == (first, later, tampered)


def test_an_impersonation_token_names_the_operator_in_act(ring: KeyRing) -> None:
    """RFC 8693's `act` claim carries the operator and round-trips as `acting_party`."""
    claims = replace(CLAIMS, acting_party="operator-1")
    token = ring.issue(claims)

    actual = (payload_of(token)["act"], ring.verify(token, NOW).acting_party)

    assert ({"sub": "operator-1"}, "operator-1") == actual


def test_a_token_without_act_acts_for_nobody_else(ring: KeyRing) -> None:
    """`act` is optional: a log-in's token has none."""
    token = ring.issue(CLAIMS)

    assert (False, None) == ("act" in payload_of(token), ring.verify(token, NOW).acting_party)
