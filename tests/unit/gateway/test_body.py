"""Decoding a request's body: each malformation has its own message key."""

from __future__ import annotations

import pytest

from ossature.gateway.body import decode_json
from ossature.kernel.errors import DomainError

MALFORMED = {
    b'{"name":"a\xff"}': "errors.body-not-utf-8",
    b'{"name":"a\xc0\xaf"}': "errors.body-not-utf-8",  # an overlong '/'
    b'{"name":"\xed\xa0\x80"}': "errors.body-not-utf-8",  # a surrogate, encoded
    b'{"a\xff":1}': "errors.body-not-utf-8",
    b"\xff": "errors.body-not-json",  # outside a string, any stray byte is not JSON
    b"{oops": "errors.body-not-json",
    b'{"name":"a\\ud800"}': "errors.body-not-json",
    b'{"name": "a\x00b"}': "errors.body-not-json",
    b"[" * 100_000 + b"]" * 100_000: "errors.body-too-deep",
    b'{"name":"a\\u0000"}': "errors.body-holds-nul",
    b'{"a\\u0000":1}': "errors.body-holds-nul",
}


@pytest.mark.parametrize("body", MALFORMED, ids=[repr(b[:24]) for b in MALFORMED])
def test_a_malformed_body_is_refused_with_its_key(body: bytes) -> None:
    """Each malformed body raises a 422 DomainError with the key of its malformation."""
    # when
    with pytest.raises(DomainError) as refused:
        decode_json(body)
    # then
    assert (422, MALFORMED[body]) == (refused.value.status, refused.value.key)


def test_an_empty_or_blank_body_is_no_payload() -> None:
    """An empty body reads as None, which the pipeline takes for `{}`."""
    assert [None, None] == [decode_json(b""), decode_json(b" \n")]


def test_a_valid_body_is_decoded() -> None:
    """UTF-8 JSON decodes, non-ASCII included."""
    assert {"name": "Éva \\u0000"} == decode_json('{"name": "Éva \\\\u0000"}'.encode())
