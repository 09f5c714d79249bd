"""The switch to external engines, and the operators' page the harness reads."""

from __future__ import annotations

from tests.external.engines import documented_block
from tests.external.environment import external_environment


def test_without_the_switch_the_engine_variables_are_ignored() -> None:
    """An operator's shell naming a real system does not aim the suites at it."""
    environ = {"OSSATURE_DATABASE_URL": "postgresql://prod/ossature", "OSSATURE_NATS_URL": "x"}

    assert {} == external_environment(environ)


def test_with_the_switch_only_the_documented_variables_are_passed() -> None:
    """The engines' variables go to the system under test; nothing else of the shell does."""
    environ = {
        "OSSATURE_TEST_ENGINES": "external",
        "OSSATURE_DATABASE_URL": "postgresql://db/ossature",
        "OSSATURE_NATS_USER": "ossature",
        "OSSATURE_PORT": "9000",
        "HOME": "/root",
    }

    expected = {
        "OSSATURE_DATABASE_URL": "postgresql://db/ossature",
        "OSSATURE_NATS_USER": "ossature",
    }
    assert expected == external_environment(environ)


def test_the_page_names_every_credential_the_server_reads_from_its_environment() -> None:
    """The NATS configuration takes Ossature's credentials by the names Ossature reads."""
    config = documented_block("conf")

    names = ["OSSATURE_NATS_USER", "OSSATURE_NATS_PASSWORD", "OSSATURE_NATS_AUTH_USER"]
    names += ["OSSATURE_NATS_AUTH_PASSWORD", "OSSATURE_NATS_ISSUER"]
    assert [True] * 5 == [f"${name}" in config for name in names]
