"""Driving the web app in Chromium: signing in, and checking a page with axe."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from tests.blackbox._up import PASSWORD

__all__ = ["CHROMIUM", "assert_accessible", "chromium", "sign_in", "sign_out", "tab_to"]

# The system's Chromium (Debian's package; .ci/run installs it): no browser is downloaded.
CHROMIUM = Path(os.environ.get("OSSATURE_CHROMIUM", "/usr/bin/chromium"))
# Chromium's own connections would be refused on a closed network, many at a time.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_axe = Axe()
_PACKAGE = "chromium"


def chromium() -> Path:
    """The system's Chromium; installed from Debian's packages when missing and this user may
    (the README's test command needs no other step), else a failure naming the command."""
    apt = shutil.which("apt-get")
    if not CHROMIUM.exists() and apt and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = [apt, "install", "-y", "-qq", _PACKAGE]
        if subprocess.run(install, env=env, capture_output=True, check=False).returncode:
            # a machine whose package lists were never fetched
            subprocess.run([apt, "update", "-qq"], env=env, capture_output=True, check=False)
            subprocess.run(install, env=env, capture_output=True, check=False)
    assert CHROMIUM.exists(), f"no Chromium at {CHROMIUM}: apt-get install -y {_PACKAGE}"
    return CHROMIUM


def sign_in(page: Page, who: str = "admin@acme", password: str = PASSWORD) -> None:
    """Sign in on the sign-in page as demo account `who` ("editor@globex") and wait for the
    page after it."""
    email = f"{who}.test"
    page.goto("/sign-in")
    page.get_by_label(re.compile("Organization|Organisation|المؤسسة")).fill(who.split("@")[1])
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("form[action='/sign-in'] button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


def sign_out(page: Page) -> None:
    page.locator("form[action='/sign-out'] button").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))


def assert_accessible(page: Page) -> None:
    """axe-core finds no violation on the page as it stands. With OSSATURE_AXE_LOG set, each
    check is also written there as a line of JSON (.ci/run summarizes them)."""
    results = _axe.run(page)
    if log := os.environ.get("OSSATURE_AXE_LOG"):
        check = {
            "path": re.sub(r"[0-9A-Z]{26}", "{id}", page.url.split("?")[0].split("/", 3)[-1]),
            "lang": page.locator("html").get_attribute("lang"),
            "signedIn": page.locator("form[action='/sign-out']").count() > 0,
            "violations": results.violations_count,
        }
        with open(log, "a") as lines:
            lines.write(json.dumps(check) + "\n")
    assert 0 == results.violations_count, results.generate_report()


def tab_to(page: Page, target: Locator, limit: int = 200) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would reach it; fails when
    `limit` presses do not reach it (it is not in the tab order)."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} is not reached with Tab")
