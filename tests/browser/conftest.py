"""The web app in a real browser: `ossature up` once per session, Chromium driven by
Playwright (tests/browser/_browser.py says which Chromium, and how it starts)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.blackbox._api import System
from tests.blackbox._up import PASSWORD, free_port, start_up, stop_up, wait_ready
from tests.browser._browser import CHROMIUM_ARGS, chromium

ContextIn = Callable[[str], BrowserContext]


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """A running Ossature on a free port, stopped by SIGTERM at the end; it must exit with 0."""
    var_dir = tmp_path_factory.mktemp("ossature-web")
    port, log_path = free_port(), var_dir / "server.log"
    process = start_up(var_dir, port, log_path)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(process, base_url, log_path)
        yield System(base_url, PASSWORD, var_dir, log_path)
    finally:
        code = stop_up(process)
    assert 0 == code, log_path.read_text()[-1500:]


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Chromium for this package's tests, closed after them: Playwright's synchronous API
    keeps an event loop running while it is open, which the async tests of the other
    packages, run after these in the same session, could not start under."""
    executable = chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context_in(browser: Browser, system: System) -> Iterator[ContextIn]:
    """`context_in("fr")`: a new browser profile (its own cookies) whose language is fr."""
    opened: list[BrowserContext] = []

    def open_context(locale: str) -> BrowserContext:
        context = browser.new_context(base_url=system.base_url, locale=locale)
        context.set_default_timeout(20_000)  # generous: the machine may be busy
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def page(context_in: ContextIn) -> Page:
    """A page of a new English-speaking browser profile."""
    return context_in("en").new_page()
