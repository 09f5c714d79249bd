"""The system under fuzz: an `ossature up` of its own (fuzzed data never meets another suite's)."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from tests.blackbox._api import System
from tests.blackbox.conftest import system

__all__ = ["STATUSES", "fresh_token", "system"]

# Every answer the fuzz tests received, by status class: the run's summary prints it.
STATUSES: Counter[str] = Counter()


def fresh_token(running: System, email: str = "admin@acme.test") -> str:
    """An access token of a demo account, in a session of its own."""
    tenant = email.split("@")[1].split(".")[0]
    answer = httpx.post(
        f"{running.base_url}/commands/log-in",
        json={"tenant": tenant, "email": email, "password": running.password},
        timeout=30,
    )
    assert 200 == answer.status_code, answer.text
    return str(answer.json()["accessToken"])


@pytest.fixture(scope="session")
def admin_token(system: System) -> str:
    return fresh_token(system)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if STATUSES:
        total = sum(STATUSES.values())
        classes = ", ".join(f"{name}: {count}" for name, count in sorted(STATUSES.items()))
        terminalreporter.write_line(f"fuzz: {total} requests ({classes})")
