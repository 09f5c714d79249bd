"""Raw bytes and headers no schema describes: bodies that are not UTF-8 or not JSON, any
content type, junk in every header the gateway reads. Never a 5xx; every refusal the
gateway makes is problem+json with a message key.

Hypothesis, derandomized: the same requests on every run.
"""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ossature.gateway.openapi import openapi
from ossature.runtime.application import Application
from tests.blackbox._api import PROBLEM, System
from tests.fuzz.conftest import STATUSES

POSTS = sorted(path for path, item in openapi(Application.of())["paths"].items() if "post" in item)
READ_HEADERS = [
    "Authorization",
    "Idempotency-Key",
    "X-Client-Action-Id",
    "traceparent",
    "X-Toggles",
    "Accept-Language",
    "Content-Type",
]
SETTINGS = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Bytes a header value may hold on the wire (HTTP forbids CR, LF and NUL in it).
HEADER_BYTES = st.binary(max_size=80).map(
    lambda raw: bytes(b for b in raw if b == 9 or 32 <= b != 127).strip()
)
JSONISH = st.sampled_from([b'{"name":"a', b'{"', b'"\xff":', b"\xc0\xaf", b"\xed\xa0\x80", b"}"])
BODIES = st.one_of(
    st.binary(max_size=200),
    st.lists(st.one_of(JSONISH, st.binary(max_size=8)), max_size=12).map(b"".join),
    st.recursive(st.just(b"1"), lambda inner: inner.map(lambda b: b"[" + b + b"]"), max_leaves=3),
)
MEDIA_TYPES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=latin-1",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/merge-patch+json",
        ]
    ),
)


@pytest.fixture(scope="module")
def client(system: System) -> httpx.Client:
    with httpx.Client(base_url=system.base_url, timeout=30) as http:
        yield http


def _assert_keyed_unless_the_server_refused(response: httpx.Response) -> None:
    STATUSES[f"{response.status_code // 100}xx"] += 1
    assert response.status_code < 500, response.text[:300]
    if response.status_code >= 400 and response.headers.get("content-type") != "text/plain":
        # (text/plain: the HTTP server's own 400 for a request line or header it cannot parse,
        # before the gateway sees it)
        assert PROBLEM == response.headers.get("content-type"), response.text[:300]
        assert response.json().get("messageKey"), response.text[:300]


@SETTINGS
@given(path=st.sampled_from(POSTS), body=BODIES, media=MEDIA_TYPES)
def test_a_malformed_body_gets_a_keyed_4xx(
    client: httpx.Client, admin_token: str, path: str, body: bytes, media: str | None
) -> None:
    """Any bytes, sent as any type to any POST path, get a documented answer or a keyed 4xx."""
    # given
    headers = {"Authorization": f"Bearer {admin_token}"}
    if media is not None:
        headers["Content-Type"] = media
    # when
    response = client.post(path, content=body, headers=headers)
    # then
    _assert_keyed_unless_the_server_refused(response)


@SETTINGS
@given(
    path=st.sampled_from(POSTS),
    name=st.sampled_from(READ_HEADERS),
    value=HEADER_BYTES,
    anonymous=st.booleans(),
)
def test_junk_in_a_header_never_gets_a_5xx(
    client: httpx.Client, admin_token: str, path: str, name: str, value: bytes, anonymous: bool
) -> None:
    """Any bytes in a header the gateway reads get a documented answer or a keyed 4xx."""
    # given
    headers = {} if anonymous else {"Authorization": f"Bearer {admin_token}"}
    headers[name] = value  # type: ignore[assignment]
    # when
    response = client.post(path, content=b"{}", headers=headers)
    # then
    _assert_keyed_unless_the_server_refused(response)
