"""Browsing in a browser: the folder tree, a folder's projects and their changes (with and
without JavaScript), the buttons a user may not use, a project's history and its search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.blackbox._api import System
from tests.browser._browse import Api, unique
from tests.browser._browser import assert_accessible, sign_in, tab_to
from tests.browser.conftest import ContextIn


def open_folder(page: Page, name: str) -> None:
    page.goto("/folders")
    page.locator(".folder-tree").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def row(page: Page, name: str) -> Locator:
    return page.locator("#projects tbody tr").filter(
        has=page.get_by_role("link", name=name, exact=True)
    )


def test_the_folder_tree_leads_to_a_folder_and_its_projects(page: Page, api: Api) -> None:
    """Every folder the admin may see is a link; France lists its projects and its trail."""
    name = unique("Tree")
    api.project("France", name)
    sign_in(page, "admin@acme")
    page.goto("/folders")
    tree = page.locator(".folder-tree")
    for folder in ("Global", "EU", "France", "US"):
        expect(tree.get_by_role("link", name=folder, exact=True)).to_be_visible()
    tree.get_by_role("link", name="France", exact=True).click()
    expect(page).to_have_url(re.compile(r"/folders/\w+$"))
    expect(page.locator(".breadcrumb")).to_contain_text("Global")
    expect(row(page, name)).to_be_visible()


def test_a_project_is_created_renamed_archived_and_unarchived_without_javascript(
    browser: Browser, system: System
) -> None:
    """Plain forms, each answered by a redirect to the folder that shows the change."""
    context = browser.new_context(base_url=system.base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "editor@acme")
        open_folder(page, "France")
        name, renamed = unique("Plain"), unique("Plainer")
        page.get_by_label("Name of the new project").fill(name)
        page.get_by_role("button", name="Create", exact=True).click()
        expect(row(page, name)).to_be_visible()
        row(page, name).get_by_label(f"New name of {name}").fill(renamed)
        row(page, name).get_by_role("button", name=f"Rename {name}").click()
        expect(row(page, renamed)).to_be_visible()
        row(page, renamed).get_by_role("button", name=f"Archive {renamed}").click()
        expect(row(page, renamed)).to_contain_text("Archived")
        row(page, renamed).get_by_role("button", name=f"Unarchive {renamed}").click()
        expect(row(page, renamed)).to_contain_text("Active")
    finally:
        context.close()


def test_with_javascript_a_change_swaps_the_list_in_place(page: Page) -> None:
    """htmx posts the form and swaps the list: the page is not loaded again."""
    sign_in(page, "editor@acme")
    open_folder(page, "France")
    page.evaluate("window.sameDocument = true")
    name, renamed = unique("Swap"), unique("Swapped")
    page.get_by_label("Name of the new project").fill(name)
    page.get_by_role("button", name="Create", exact=True).click()
    expect(row(page, name)).to_be_visible()
    row(page, name).get_by_label(f"New name of {name}").fill(renamed)
    row(page, name).get_by_role("button", name=f"Rename {name}").click()
    expect(row(page, renamed)).to_be_visible()
    assert page.evaluate("window.sameDocument === true")


def test_a_refused_change_is_said_above_the_list_in_the_user_s_language(page: Page) -> None:
    """A blank name is refused by the server: its message, not a status text."""
    sign_in(page, "editor@acme")
    open_folder(page, "France")
    page.get_by_label("Name of the new project").fill("   ")
    page.get_by_role("button", name="Create", exact=True).click()
    alert = page.locator("#projects-problem")
    expect(alert).to_be_visible()
    assert not re.search(r"\b(422|Unprocessable)\b", alert.inner_text())


def test_a_viewer_sees_the_buttons_greyed_and_explained(page: Page, api: Api) -> None:
    """get-my-permissions decides: the viewer of US may not create, rename or archive."""
    name = unique("Greyed")
    api.project("US", name)
    sign_in(page, "viewer@acme")
    open_folder(page, "US")
    create = page.get_by_role("button", name="Create", exact=True)
    rename = row(page, name).get_by_role("button", name=f"Rename {name}")
    archive = row(page, name).get_by_role("button", name=f"Archive {name}")
    for button, action in ((create, "create"), (rename, "rename"), (archive, "archive")):
        expect(button).to_be_disabled()
        expect(button).to_have_accessible_description(
            re.compile(f"You need the projects.{action} permission")
        )


def test_the_editor_may_use_every_button_in_france(page: Page, api: Api) -> None:
    """The same page for the editor of EU: nothing greyed, no reason shown."""
    name = unique("Usable")
    api.project("France", name)
    sign_in(page, "editor@acme")
    open_folder(page, "France")
    expect(row(page, name).get_by_role("button", name=f"Rename {name}")).to_be_enabled()
    expect(page.get_by_role("button", name="Create", exact=True)).to_be_enabled()
    expect(page.locator(".button-reason")).to_have_count(0)


def test_the_project_page_shows_who_changed_what_and_searches_it(page: Page, api: Api) -> None:
    """Each change: when, who by name, before and after, the invocation linked to the audit;
    the search box narrows the history in place."""
    first, second, third = unique("First"), unique("Second"), unique("Third")
    project_id = api.project("France", first)
    api.call("commands", "rename-project", {"projectId": project_id, "name": second})
    api.call("commands", "rename-project", {"projectId": project_id, "name": third})
    sign_in(page, "editor@acme")
    page.goto(f"/projects/{project_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(third)
    rows = page.locator("#history tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Renamed")
    expect(rows.first).to_contain_text("Admin")
    expect(rows.first.locator("del")).to_have_text(second)
    expect(rows.first.locator("ins")).to_have_text(third)
    link = rows.first.locator("a[href^='/audit/']")
    expect(link).to_have_attribute("href", re.compile(r"^/audit/\w{26}$"))
    page.evaluate("window.sameDocument = true")
    page.get_by_label("Search the history").fill(first.split("-")[1])
    expect(rows).to_have_count(2)  # the creation and the first rename hold the first name
    assert page.evaluate("window.sameDocument === true")


def test_the_history_search_works_without_javascript(
    browser: Browser, system: System, api: Api
) -> None:
    """A GET form: the search is in the address, so it can be shared and bookmarked."""
    first, second = unique("Alpha"), unique("Beta")
    project_id = api.project("France", first)
    api.call("commands", "rename-project", {"projectId": project_id, "name": second})
    context = browser.new_context(base_url=system.base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "editor@acme")
        page.goto(f"/projects/{project_id}")
        page.get_by_label("Search the history").fill("created")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page).to_have_url(re.compile(r"\?q=created$"))
        expect(page.locator("#history tbody tr")).to_have_count(1)
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_the_browse_pages_are_accessible(context_in: ContextIn, api: Api, locale: str) -> None:
    """axe finds nothing on the tree, a folder (with greyed buttons) and a project's page."""
    who = api.account(locale, "project-viewer", "US")
    project_id = api.project("US", unique("Axe"))
    page = context_in(locale).new_page()
    sign_in(page, who)
    expect(page.locator("html")).to_have_attribute("lang", locale)
    for path in ("/folders", f"/folders/{api.folders()['US']}", f"/projects/{project_id}"):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", locale)
        assert_accessible(page)


def test_a_project_is_created_and_archived_with_the_keyboard_alone(page: Page) -> None:
    """Tab to the name, type it, Enter; Tab to its Archive button, Enter."""
    sign_in(page, "editor@acme")
    open_folder(page, "France")
    name = unique("Keys")
    tab_to(page, page.locator("#new-name"))
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    expect(row(page, name)).to_be_visible()
    tab_to(page, page.locator(f"button[aria-label='Archive {name}']"))
    page.keyboard.press("Enter")
    expect(row(page, name)).to_contain_text("Archived")


def test_a_long_list_is_drawn_a_page_at_a_time(page: Page, api: Api) -> None:
    """Fifty projects a page; the next page's link swaps the table; a change made on the
    second page comes back to it."""
    folder = unique("Many")
    api.folder("EU", folder)
    for n in range(53):
        api.project(folder, f"Item {n:02}")
    sign_in(page, "editor@acme")
    open_folder(page, folder)
    rows = page.locator("#projects-table tbody tr")
    expect(rows).to_have_count(50)
    page.get_by_role("link", name="Next page").click()
    expect(rows).to_have_count(3)
    row(page, "Item 52").get_by_role("button", name="Archive Item 52").click()
    expect(row(page, "Item 52")).to_contain_text("Archived")
    expect(rows).to_have_count(3)


def test_a_project_is_renamed_and_archived_from_its_own_page(page: Page, api: Api) -> None:
    """The project's page has the folder's controls: the change shows in its history."""
    name, renamed = unique("Own"), unique("Owned")
    project_id = api.project("France", name)
    sign_in(page, "editor@acme")
    page.goto(f"/projects/{project_id}")
    page.get_by_label("New name").fill(renamed)
    page.get_by_role("button", name="Rename", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(renamed)
    page.get_by_role("button", name="Archive", exact=True).click()
    expect(page.locator(".facts")).to_contain_text("Archived")
    expect(page.locator("#history-table tbody tr")).to_have_count(3)
    expect(page.get_by_role("button", name="Unarchive", exact=True)).to_be_enabled()


def test_a_viewer_s_project_page_greys_its_controls(page: Page, api: Api) -> None:
    """The viewer of US reads the project, may change nothing, and is told why."""
    project_id = api.project("US", unique("Read only"))
    sign_in(page, "viewer@acme")
    page.goto(f"/projects/{project_id}")
    rename = page.get_by_role("button", name="Rename", exact=True)
    expect(rename).to_be_disabled()
    expect(rename).to_have_accessible_description(re.compile("projects.rename permission"))
    expect(page.get_by_label("New name")).to_be_disabled()
