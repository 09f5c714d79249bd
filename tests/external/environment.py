"""Which engines the suites use: their own embedded ones, or those named in the environment.

With OSSATURE_TEST_ENGINES=external (set by `python -m tests.external`), the suites use the
engines the documented variables name, as production does. Without it they ignore those
variables, so that an operator's shell cannot aim the tests at a real system.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["ENGINE_VARIABLES", "SWITCH", "external_environment"]

SWITCH = "OSSATURE_TEST_ENGINES"
ENGINE_VARIABLES = (
    "OSSATURE_DATABASE_URL",
    "OSSATURE_NATS_URL",
    "OSSATURE_NATS_USER",
    "OSSATURE_NATS_PASSWORD",
    "OSSATURE_NATS_AUTH_USER",
    "OSSATURE_NATS_AUTH_PASSWORD",
    "OSSATURE_NATS_ISSUER_SEED",
    "OSSATURE_NATS_SYSTEM_USER",
    "OSSATURE_NATS_SYSTEM_PASSWORD",
    "OSSATURE_MQTT_URL",
    "OSSATURE_MQTT_WEBSOCKET_URL",
)


def external_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The external engines' variables when the suites are switched to them, else none."""
    environ = os.environ if environ is None else environ
    if environ.get(SWITCH) != "external":
        return {}
    return {name: environ[name] for name in ENGINE_VARIABLES if name in environ}
