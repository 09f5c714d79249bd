"""Live updates in two browsers: one user changes a project, the other's pages follow without
a reload and a notification appears in that user's language."""

from __future__ import annotations

import re

from playwright.sync_api import Page, WebSocketRoute, expect

from tests.browser._browse import Api, unique
from tests.browser._browser import assert_accessible, sign_in
from tests.browser.conftest import ContextIn


def connected(page: Page) -> None:
    """Wait until live.js has connected and subscribed (it says so on #live)."""
    expect(page.locator("#live")).to_have_attribute("data-live-state", "connected")
    page.evaluate("window.sameDocument = true")


def test_a_rename_by_one_user_changes_the_other_s_list_and_project_page(
    context_in: ContextIn, api: Api
) -> None:
    """B (French) watches France and the project; A (English) renames it in their browser."""
    name, renamed = unique("Live"), unique("Renamed")
    project_id = api.project("France", name)
    france = api.folders()["France"]
    reader = api.account("fr", "project-viewer", "Global")
    watcher = context_in("fr")
    listing, project = watcher.new_page(), watcher.new_page()
    sign_in(listing, reader)
    listing.goto(f"/folders/{france}")
    project.goto(f"/projects/{project_id}")
    connected(listing)
    connected(project)
    author = context_in("en").new_page()
    sign_in(author, "editor@acme")
    author.goto(f"/folders/{france}")

    row = author.locator("#projects tbody tr").filter(has_text=name)
    row.get_by_label(f"New name of {name}").fill(renamed)
    row.get_by_role("button", name=f"Rename {name}").click()

    expect(listing.locator("#projects").get_by_role("link", name=renamed)).to_be_visible()
    expect(project.get_by_role("heading", level=1)).to_have_text(renamed)
    expect(project.locator("#history tbody tr")).to_have_count(2)
    toast = listing.locator("#toasts .toast").filter(has_text=renamed)
    expect(toast).to_contain_text(re.compile("s'appelle désormais"))
    assert_accessible(listing)  # the toast and the refreshed list included
    assert [True, True] == [p.evaluate("window.sameDocument === true") for p in (listing, project)]


def test_a_project_created_elsewhere_appears_in_the_list(context_in: ContextIn, api: Api) -> None:
    """A creation through the API reaches an open folder page, with its toast."""
    france = api.folders()["France"]
    page = context_in("en").new_page()
    sign_in(page, "editor@acme")
    page.goto(f"/folders/{france}")
    connected(page)
    name = unique("Arrived")
    api.project("France", name)
    expect(page.locator("#projects").get_by_role("link", name=name)).to_be_visible()
    expect(page.locator("#toasts .toast").filter(has_text=name)).to_contain_text("created")
    assert page.evaluate("window.sameDocument === true")


def test_the_push_token_is_the_user_s_own_never_stored_and_refused_signed_out(
    context_in: ContextIn,
) -> None:
    """Same origin, Cache-Control no-store; without a session, 401 and no token."""
    page = context_in("en").new_page()
    signed_out = page.request.get("/session/push-token")
    sign_in(page, "editor@acme")
    answer = page.request.get("/session/push-token")
    body = answer.json()
    assert (401, "token" in signed_out.json()) == (signed_out.status, False)
    assert ("no-store", True) == (
        answer.headers["cache-control"],
        body["topic"] == f"tenants/{body['tenantId']}/users/{body['accountId']}/notifications",
    )
    assert body["websocketUrl"].startswith("ws")


def test_a_dropped_connection_is_made_again_with_a_fresh_token(
    context_in: ContextIn, api: Api
) -> None:
    """The broker drops a connection whose token expired: live.js asks the page's endpoint
    for a token again, connects again, and the list keeps following changes. The drop is
    made by closing the page's WebSocket (Playwright stands between page and broker)."""
    sockets: list[WebSocketRoute] = []

    def through(socket: WebSocketRoute) -> None:
        socket.connect_to_server()
        sockets.append(socket)

    page = context_in("en").new_page()
    page.route_web_socket(re.compile(r"^wss?://"), through)
    sign_in(page, "editor@acme")
    page.goto(f"/folders/{api.folders()['France']}")
    connected(page)
    opened = len(sockets)  # every signed-in page connects: the one before this one too
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/session/push-token" in r.url else None)

    sockets[-1].close()

    live = page.locator("#live")
    expect(live).to_have_attribute("data-live-state", "waiting")
    expect(live).to_have_attribute("data-live-state", "connected")
    name = unique("After")
    api.project("France", name)
    expect(page.locator("#projects").get_by_role("link", name=name)).to_be_visible()
    assert (opened + 1, 1) == (len(sockets), len(asked))
    assert page.evaluate("window.sameDocument === true")


def test_a_notification_reaches_a_page_that_shows_no_project(
    context_in: ContextIn, api: Api
) -> None:
    """Every page of a signed-in user listens: the audit log shows a project's creation as a
    toast, and nothing on it changes otherwise."""
    page = context_in("en").new_page()
    sign_in(page, "editor@acme")
    page.goto("/audit")
    connected(page)
    expect(page.locator("#live")).to_be_hidden()  # it follows nothing: it does not say so
    name = unique("Anywhere")
    api.project("France", name)
    expect(page.locator("#toasts .toast").filter(has_text=name)).to_contain_text("created")
