"""The web app in a real browser: `ossature up` once per session, Chromium driven by
Playwright (tests/browser/_browser.py says which Chromium, and how it starts)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.blackbox._api import System
from tests.blackbox._up import running
from tests.browser._browse import Api
from tests.browser._browser import CHROMIUM_ARGS, chromium

ContextIn = Callable[[str], BrowserContext]


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """A running Ossature on a free port, stopped by SIGTERM at the end; it must exit with 0."""
    with running(tmp_path_factory.mktemp("ossature-web")) as started:
        yield started


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


@pytest.fixture(autouse=True)
def patient() -> Iterator[None]:
    """Expectations wait 20 s, not 5: the machine may run other work beside the tests."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def api(system: System) -> Iterator[Api]:
    """The demo tenant acme over HTTP, as its admin: what a test sets up without a page."""
    made = Api(system)
    yield made
    made.close()
