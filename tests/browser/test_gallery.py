"""The component gallery (/ui/components) in a real browser: accessible in every direction of
writing, usable with the keyboard, paging by htmx or without script."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.blackbox._api import System
from tests.browser._browser import assert_accessible, sign_in
from tests.browser.conftest import ContextIn


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_gallery_has_no_accessibility_violation(context_in: ContextIn, locale: str) -> None:
    """axe finds nothing on the gallery, nor on it with the dialog open, in English and Arabic."""
    page = context_in(locale).new_page()
    page.goto("/ui/components")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale == "ar" else "ltr")
    assert_accessible(page)
    page.locator(".dialog-opener").click()
    expect(page.locator("dialog#gallery-rename-dialog")).to_be_visible()
    assert_accessible(page)


def test_the_gallery_signed_in_has_no_accessibility_violation(page: Page) -> None:
    """Signed in (the header has its navigation and Sign out), axe still finds nothing."""
    sign_in(page)
    page.goto("/ui/components")
    expect(page.locator("form[action='/sign-out']")).to_be_visible()
    assert_accessible(page)


def test_a_disabled_button_is_reached_with_the_keyboard_and_says_why(page: Page) -> None:
    """Tab stops on the disabled button (aria-disabled keeps it in the tab order), and it is
    described by its visible reason."""
    page.goto("/ui/components")
    button = page.locator("#gallery-archive")
    page.get_by_role("button", name="Archive", exact=True).first.focus()
    for _ in range(5):
        if button.evaluate("b => b === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(button).to_be_focused()
    expect(button).to_have_accessible_description(re.compile("Only a project editor"))
    expect(button).to_have_attribute("aria-disabled", "true")


def test_the_dialog_opens_and_closes_with_the_keyboard(page: Page) -> None:
    """Enter on the opener shows the modal dialog; Escape closes it and focus comes back."""
    page.goto("/ui/components")
    opener = page.locator(".dialog-opener")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Rename the project")
    expect(dialog).to_be_visible()
    assert page.evaluate("document.querySelector('dialog:modal')?.id") == "gallery-rename-dialog"
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()


def test_paging_swaps_the_table_only_and_keeps_the_query(page: Page) -> None:
    """Next page, with htmx, replaces the table without reloading the page, keeps the other
    query parameters, and puts the page's URL in the address bar."""
    page.goto("/ui/components?view=compact")
    page.evaluate("window.galleryMarker = 'still here'")
    page.locator("#gallery-projects a[rel=next]").click()
    expect(page.locator("#gallery-projects tbody th").first).to_have_text("Fornax")
    expect(page).to_have_url(re.compile(r"/ui/components\?view=compact&cursor=5$"))
    assert "still here" == page.evaluate("window.galleryMarker")
    expect(page.locator("#gallery-projects")).to_have_count(1)


def test_without_script_paging_and_the_dialog_are_pages(browser: Browser, system: System) -> None:
    """With JavaScript off, the next link loads the next page and the dialog is reached as a
    page of its own."""
    context = browser.new_context(base_url=system.base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/ui/components")
        page.locator("#gallery-projects a[rel=next]").click()
        expect(page.locator("#gallery-projects tbody th").first).to_have_text("Fornax")
        page.locator(".dialog-page-link").click()
        expect(page).to_have_url(re.compile(r"/ui/components/dialog$"))
        section = page.get_by_role("region", name="Rename the project")
        expect(section.get_by_label("Project name")).to_have_value("Harbour survey")
    finally:
        context.close()


def test_a_toast_is_dismissed_and_a_gallery_form_is_acknowledged(page: Page) -> None:
    """Dismiss hides its toast; a posted form (with its CSRF secret) is only acknowledged."""
    page.goto("/ui/components")
    toast = page.locator("#gallery-toast-info")
    toast.get_by_role("button", name="Dismiss").click()
    expect(toast).to_be_hidden()
    page.locator("#gallery-buttons form button[value=primary]").click()
    expect(page.locator(".notice--success")).to_have_text(re.compile("The form was received"))
