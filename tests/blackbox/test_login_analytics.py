"""Logins per day from a Django-like application, end to end over HTTP and the CLI."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.blackbox._api import System, TokenFor, call, run_cli
from tests.integration._django import SqliteApp
from tests.integration.analytics_support import at

SPAN = {"from": "2026-03-01", "to": "2026-03-04"}
_POINT = re.compile(r'data-series="([^"]+)" data-key="([^"]+)" data-value="(\d+)"')  # the web's
_SVG_POINT = re.compile(r'data-source="([^"]+)" data-day="([^"]+)" data-count="(\d+)"')  # the CLI's


@pytest.fixture(scope="module")
def app(system: System) -> SqliteApp:
    """A Django-like app in the default allowed directory: two users logged in on March 1st."""
    made = SqliteApp(system.var_dir / "sources" / "crm-location-marker.sqlite3")
    for n, email in enumerate(("ann@app.test", "bob@app.test")):
        made.add_user(email)
        made.log_in(email, at(1, 8 + n))
    return made


@pytest.fixture(scope="module")
async def token(token_for: TokenFor) -> str:
    return await token_for("admin@acme")


@pytest.fixture(scope="module")
async def configured(http: httpx.AsyncClient, token: str, app: SqliteApp) -> int:
    """The source `crm` configured by acme's admin, who accepts the analytics terms first (a
    requirement of the module), and extracted once: the logins appended."""
    accepted = await call(http, "commands/accept-terms", {"version": "2026-12"}, token)
    assert 200 == accepted.status_code, accepted.text
    payload = {"name": "crm", "kind": "sqlite", "location": str(app.path), "schedule": "0 3 * * *"}
    assert 200 == (await call(http, "commands/configure-login-source", payload, token)).status_code
    ran = await call(http, "commands/run-login-extract", {"source": "crm"}, token)
    assert 200 == ran.status_code, ran.text
    return int(ran.json()["appended"])


async def test_an_extract_over_http_answers_the_daily_series(
    http: httpx.AsyncClient, token: str, configured: int
) -> None:
    """Two users logged in on March 1st: two logins appended, then a series with 2 on that day."""
    answer = await call(
        http, "queries/count-source-logins-per-day", {"source": "crm", **SPAN}, token
    )
    assert 2 == configured
    assert [2, 0, 0, 0] == [p["count"] for p in answer.json()["series"]]


async def _signed_in(system: System, web: httpx.AsyncClient) -> None:
    """Sign `web` in to the web app as acme's admin, with the sign-in form and its secret."""
    form = await web.get("/sign-in")
    secret = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert secret is not None, form.text[:500]
    fields = {"tenant": "acme", "email": "admin@acme.test", "password": system.password}
    answer = await web.post("/sign-in", data={"csrf": secret.group(1), **fields})
    assert 303 == answer.status_code, answer.text[:500]


async def test_the_web_page_holds_the_data_points(system: System, configured: int) -> None:
    """The web app's chart page draws each point with its series, day and count: the source
    crm, and Ossature's own logins (among others the demo may have configured)."""
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as web:
        await _signed_in(system, web)
        page = await web.get("/analytics/logins", params=SPAN)
    points = {(s, d): int(c) for s, d, c in _POINT.findall(page.text)}
    assert (200, "text/html") == (page.status_code, page.headers["content-type"].split(";")[0])
    assert {("crm", "2026-03-01"): 2, ("crm", "2026-03-04"): 0} == {
        k: v for k, v in points.items() if k[0] == "crm" and k[1] in ("2026-03-01", "2026-03-04")
    }
    assert {"crm", "Ossature"} <= {source for source, _ in points}  # the demo adds sources


async def test_the_page_is_the_web_app_s_not_the_gateway_s(http: httpx.AsyncClient) -> None:
    """Signed out, the page sends the browser to sign in; a bearer token opens nothing."""
    page = await http.get("/analytics/logins", headers={"Authorization": "Bearer x"})
    assert (303, "/sign-in?next=/analytics/logins") == (
        page.status_code,
        page.headers.get("location"),
    )


def _chart(system: System, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """`ossature analytics chart` over the test's span, for acme, into `out`."""
    span = ("--from", SPAN["from"], "--to", SPAN["to"])
    return run_cli(
        system, "analytics", "chart", "--tenant", "acme", "--out", str(out), *span, *options
    )


def test_the_cli_draws_a_png_that_is_not_blank(
    system: System, configured: int, tmp_path: Path
) -> None:
    """`ossature analytics chart --out FILE.png` attaches to the running system and draws."""
    out = tmp_path / "logins.png"
    drawn = _chart(system, out)
    assert 0 == drawn.returncode, drawn.stdout + drawn.stderr
    colours = Image.open(io.BytesIO(out.read_bytes())).convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 1


def test_the_cli_draws_an_svg_with_the_points(
    system: System, configured: int, tmp_path: Path
) -> None:
    """`ossature analytics chart --out FILE.svg` writes the same points as the web's page."""
    out = tmp_path / "logins.svg"
    drawn = _chart(system, out, "--source", "crm")
    assert 0 == drawn.returncode, drawn.stdout + drawn.stderr
    assert ("crm", "2026-03-01", "2") in _SVG_POINT.findall(out.read_text())


def test_the_cli_runs_an_extract_once(system: System, app: SqliteApp, configured: int) -> None:
    """`ossature analytics extract crm` appends the login that happened since the last run."""
    app.log_in("ann@app.test", at(2, 9))
    ran = run_cli(system, "analytics", "extract", "crm", "--tenant", "acme")
    again = run_cli(system, "analytics", "extract", "crm", "--tenant", "acme")
    assert 0 == ran.returncode, ran.stdout + ran.stderr
    assert ("1 new logins" in ran.stdout, "0 new logins" in again.stdout) == (True, True)


def test_the_location_is_in_no_log_line(system: System, configured: int) -> None:
    """The server's log never names the source's file."""
    assert "crm-location-marker" not in system.log_path.read_text()
