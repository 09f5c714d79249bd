"""`GET /analytics/logins`: the logins-per-day chart of the tenant's sources and Ossature's own.

A browser cannot send a bearer token with a plain page load, so the page comes
in two answers from one URL. Without `Authorization`, a small sign-in page: its
script logs in with the public API (`log-in`), then fetches this URL again with
the token and shows the answer. With `Authorization`, the chart itself, drawn
on the server as inline SVG whose every point carries its source, day and count
(`data-source`, `data-day`, `data-count`). The series come from the queries
`list-login-sources` and `count-source-logins-per-day`, run through the pipeline
as child invocations, so the page shows exactly what the actor may read.
Parameters: `from` and `to` (ISO dates, default the last 30 days), `source`
(repeatable; default the first sources by name).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, date, datetime
from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ossature.gateway.responder import Responder
from ossature.kernel.context import Context
from ossature.kernel.errors import DomainError, InvalidPayload
from ossature.modules.analytics.chart import (
    chart_title,
    default_period,
    layout,
    login_series,
    render_svg,
)
from ossature.runtime.pipeline import Result

__all__ = ["login_chart_page"]

_STYLE = "body{font-family:sans-serif;margin:2rem}label{display:block;margin:.4rem 0}"
_SIGN_IN = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Logins per day</title><style>{_STYLE}</style></head><body>
<form id="sign-in"><h1>Logins per day</h1>
<label>Tenant <input name="tenant" required></label>
<label>Email <input name="email" type="email" required></label>
<label>Password <input name="password" type="password" required></label>
<label>From <input name="from" type="date"></label><label>To <input name="to" type="date"></label>
<button>Show</button><p id="problem" role="alert"></p></form>
<script>
document.getElementById("sign-in").addEventListener("submit", async (event) => {{
  event.preventDefault();
  const form = new FormData(event.target);
  const answer = await fetch("/commands/log-in", {{method: "POST",
    headers: {{"Content-Type": "application/json"}},
    body: JSON.stringify({{tenant: form.get("tenant"), email: form.get("email"),
                          password: form.get("password")}})}});
  const body = await answer.json();
  if (!answer.ok) {{ document.getElementById("problem").textContent = body.title; return; }}
  const url = new URL(location.href);
  for (const key of ["from", "to"]) if (form.get(key)) url.searchParams.set(key, form.get(key));
  const page = await fetch(url, {{headers: {{Authorization: "Bearer " + body.accessToken}}}});
  document.open(); document.write(await page.text()); document.close();
}});
</script></body></html>"""


def _period(request: Request) -> tuple[date, date]:
    start, end = default_period(datetime.now(UTC).date())
    try:
        start = date.fromisoformat(request.query_params.get("from") or start.isoformat())
        end = date.fromisoformat(request.query_params.get("to") or end.isoformat())
    except ValueError as error:
        raise InvalidPayload({"reason": "from and to are ISO dates"}) from error
    return start, end


def _asker(
    responder: Responder, ctx: Context
) -> Callable[[str, Mapping[str, Any]], Awaitable[Any]]:
    async def ask(name: str, payload: Mapping[str, Any]) -> Mapping[str, Any]:
        result = await responder.pipeline.invoke("query", name, dict(payload), ctx.fork())
        if result.error is not None:
            raise result.error
        return result.body

    return ask


def _page(svg: str, title: str, locale: str) -> str:
    return (
        f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{svg}</main></body></html>"
    )


async def _chart(responder: Responder, request: Request, ctx: Context) -> Response:
    start, end = _period(request)
    sources = request.query_params.getlist("source") or None
    series = await login_series(_asker(responder, ctx), start, end, sources)
    locale = responder.locale(request, ctx)
    title = chart_title(responder.catalogs, locale, start, end)
    svg = render_svg(layout(series, title))
    return HTMLResponse(_page(svg, title, locale), headers=responder.headers(ctx))


def login_chart_page(responder: Responder) -> Callable[[Request], Awaitable[Response]]:
    """The route answering the sign-in page, or the chart when the request carries a token."""

    async def page(request: Request) -> Response:
        if "authorization" not in request.headers:
            return HTMLResponse(_SIGN_IN)
        try:
            ctx = await responder.context(request)
        except DomainError as error:
            return responder.refuse(request, error)
        try:
            return await _chart(responder, request, ctx)
        except DomainError as error:
            return responder.answer(request, ctx, Result(error.status, {}, error))

    return page
