"""The web app's steps: pages fetched as a browser would, on the API's port.

The demo walks the pages over the same backend as its SDK calls (HTTP, or the site in this
process): a sign-in form posted with its CSRF secret, a session cookie kept, a page read.
"""

from __future__ import annotations

import re

import httpx

from ossature.tools.demo._support import TENANT, Demo, check

__all__ = ["csrf_refused", "signed_in_page"]

_PAGE = {"Accept": "text/html"}


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    check(found is not None, f"no CSRF secret on {page.url.path} ({page.status_code})")
    assert found is not None
    return found.group(1)


async def _signed_in(demo: Demo, browser: httpx.AsyncClient) -> None:
    form = await browser.get("/sign-in", headers=_PAGE)
    fields = {"tenant": TENANT, "email": f"admin@{TENANT}.test", "password": demo.password}
    answer = await browser.post("/sign-in", data={"csrf": _csrf(form), **fields}, headers=_PAGE)
    check(answer.status_code == 303, f"sign-in answered {answer.status_code}")
    check("ossature_session" in browser.cookies, "no session cookie after signing in")


async def signed_in_page(demo: Demo) -> str:
    assert demo.backend is not None
    async with demo.backend.connect() as browser:
        await _signed_in(demo, browser)
        tree = await browser.get("/folders", headers=_PAGE)
        france = re.search(r'href="(/folders/[0-9A-Z]{26})"[^>]*>France<', tree.text)
        check(france is not None, f"/folders ({tree.status_code}) links no France")
        assert france is not None
        page = await browser.get(france.group(1), headers=_PAGE)
        check(page.status_code == 200, f"France's page answered {page.status_code}")
        check("Paris office move" in page.text, "France's page lists no seeded project")
        policy = page.headers.get("content-security-policy", "")
        check("frame-ancestors 'none'" in policy, "the page may be framed")
    return f"signed in by the form; {france.group(1)} lists Paris office move; CSP set"


async def csrf_refused(demo: Demo) -> str:
    assert demo.backend is not None
    async with demo.backend.connect() as browser:
        await _signed_in(demo, browser)
        forged = {"name": "Forged by another site"}
        tree = await browser.get("/folders", headers=_PAGE)
        france = re.search(r'href="(/folders/[0-9A-Z]{26})"[^>]*>France<', tree.text)
        check(france is not None, "/folders links no France")
        assert france is not None
        answer = await browser.post(f"{france.group(1)}/projects", data=forged, headers=_PAGE)
        check(answer.status_code == 403, f"a form without its secret answered {answer.status_code}")
        page = await browser.get(france.group(1), headers=_PAGE)
        check("Forged by another site" not in page.text, "the forged project was created")
    return "403, and no project made"
