"""Schemathesis over /openapi.json against a running system: no answer is a 5xx, and every
answer is what the document says (status, media type, schema).

Bounded and deterministic: `EXAMPLES` cases per operation (valid and invalid data both),
derandomized, so a run sends the same requests every time.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ossature.gateway.openapi import openapi
from ossature.runtime.application import Application
from tests.blackbox._api import System
from tests.fuzz.conftest import STATUSES, fresh_token

EXAMPLES = 50
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _schema() -> Any:
    """The document the gateway serves (built from the module table, as `/openapi.json` is;
    a test of the API suite compares the two), set to generate valid and invalid data."""
    loaded = schemathesis.openapi.from_dict(openapi(Application.of()))
    loaded.config.generation.update(
        modes=["positive", "negative"], max_examples=EXAMPLES, deterministic=True
    )
    return loaded


schema = _schema()


def _ends_a_session(case: Any) -> bool:
    """log-out, alone or in a batch, ends the session of the token it is sent with."""
    return "log-out" in case.operation.path or "log-out" in repr(case.body)


@schema.parametrize()
def test_the_api_answers_every_generated_request_as_documented_and_never_with_a_5xx(
    case: Any, system: System, admin_token: str
) -> None:
    """Each generated request, sent with a token of acme's admin, gets a documented answer."""
    # given
    token = fresh_token(system) if _ends_a_session(case) else admin_token
    # when
    response = case.call(
        base_url=system.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    STATUSES[f"{response.status_code // 100}xx"] += 1
    # then
    case.validate_response(response, checks=CHECKS)
