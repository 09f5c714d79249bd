"""No English and no raw key on a French or Arabic page: every page a signed-in tenant admin
and a signed-out visitor reach (found by following the links, so pages added later are
covered) is opened in en, fr and ar, and each text of the fr or ar page that is also a text
of the en page must be a name, an id, an address or a number (decision 69)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Page

from ossature.web._i18n import Catalog
from ossature.web.pages import gallery
from tests.blackbox._api import System
from tests.browser._browse import Api
from tests.browser._browser import sign_in
from tests.browser.conftest import ContextIn

OPERATOR = "operator@platform.test"  # the one platform operator the demo data has
LIMIT = 40  # pages per walk: enough for every area, bounded if links multiply
PER_SHAPE = 4  # /folders/<id>: four folders say what every folder page says

# Every text node and every attribute a person or a screen reader meets; not code (ids,
# command names, message keys shown as such), which is in no language.
TEXTS_JS = """() => {
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('script, style, noscript, code, kbd, samp')) continue;
    out.push(node.textContent);
  }
  const named = '[aria-label], [title], [placeholder], [alt], input[type=submit], input[type=button]';
  for (const el of document.querySelectorAll(named)) {
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) out.push(el.getAttribute(name) || '');
    if (el.matches('input[type=submit], input[type=button]')) out.push(el.value);
  }
  return out.map(t => t.replace(/\\s+/g, ' ').trim()).filter(t => t);
}"""
LINKS_JS = "els => els.map(e => e.getAttribute('href'))"
# ULIDs and other ids of capitals and digits; hexadecimal ids (trace ids, hashes).
ID = re.compile(r"\b(?=[0-9A-Z]*\d)[0-9A-Z]{16,}\b|\b[0-9a-f]{8,}(?:-[0-9a-f]{4,})*\b")
CODE = re.compile(r"[a-z0-9]+([-_.][a-z0-9]+)+")  # tenant-admin, create-project, acme.test
LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Allowed:
    """What may read the same in every language: data the server holds, and names."""

    names: frozenset[str]  # folders, projects, accounts, the catalog's own names
    english: frozenset[str]  # every en text of the catalogs: never right on a fr or ar page
    same_by_design: dict[str, frozenset[str]]  # per locale: texts its catalog keeps as en's
    areas: frozenset[str]  # the first part of every catalog key: raw keys look like area.name
    agent: frozenset[str]  # the words of the browser's User-Agent: the audit log shows them

    def untranslated(self, text: str, locale: str) -> bool:
        """`text`, found on the en page too, is a word left in English."""
        if text in self.names or text in self.same_by_design[locale]:
            return False
        if text in self.english:
            return True
        words = [w for w in re.split(r"[\s/;()]+", text) if w not in self.agent]
        rest = ID.sub("", " ".join(words))
        for name in sorted(self.names, key=len, reverse=True):  # whole words only
            rest = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "", rest)
        rest = "".join(w for w in rest.split() if "@" not in w and not CODE.fullmatch(w))
        return bool(LETTER.search(rest))

    def raw_key(self, text: str) -> bool:
        area, dot, name = text.partition(".")
        return bool(dot and name) and area in self.areas and CODE.fullmatch(text) is not None


def _leaves(value: object) -> set[str]:
    """Every string inside a JSON answer."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    return {leaf for item in value for leaf in _leaves(item)} if isinstance(value, list) else set()


def _written(api: Api, paths: list[str]) -> set[str]:
    """What people wrote that the walked pages may show as they wrote it: announcements, and
    the histories (former names) of the projects walked."""
    written = _leaves(api.call("queries", "list-announcements", {"limit": 100}))
    invoices: Any = api.call("queries", "list-invoices", {"limit": 100})["invoices"]
    written |= {str(invoice["number"]) for invoice in invoices}
    for path in paths:
        if _shape(path) == "/projects/*":
            project = {"projectId": path.rsplit("/", 1)[1]}
            written |= _leaves(api.call("queries", "get-project-history", project))
    return written


def _allowed(api: Api, agent: str, paths: list[str]) -> Allowed:
    catalog = Catalog.load().entries
    server: Any = api.call("queries", "get-message-catalog", {"locale": "en"})["messages"]
    listed: dict[str, Any] = {
        name: api.call("queries", f"list-{name}", {})[name]
        for name in ("folders", "projects", "accounts")
    }
    names = {str(f["name"]) for f in listed["folders"]} | {
        str(p["name"]) for p in listed["projects"]
    }
    names |= {str(a[k]) for a in listed["accounts"] for k in ("displayName", "email") if a.get(k)}
    names |= {texts["en"] for texts in catalog.values() if len(set(texts.values())) == 1}
    names |= {"Ossature", api.tenant} | _written(api, paths)
    names |= {p["name"] for p in gallery.PROJECTS} | set(gallery.LOGINS)  # its sample data
    english = {t["en"] for t in catalog.values()} | {t for t in server.values() if "{" not in t}
    same = {
        locale: frozenset(t["en"] for t in catalog.values() if t.get(locale) == t["en"])
        for locale in ("fr", "ar")
    }
    areas = {key.split(".")[0] for key in [*catalog, *server]}
    words = frozenset(re.split(r"[\s/;()]+", agent))
    return Allowed(frozenset(names), frozenset(english), same, frozenset(areas), words)


def _shape(path: str) -> str:
    return "/".join("*" if ID.fullmatch(part) else part for part in path.split("/"))


def _walk(page: Page, *starts: str) -> list[str]:
    """The paths reached from `starts` by following same-site links (not sign-out, not
    static files), at most PER_SHAPE per shape of path and LIMIT in all."""
    seen, shapes, queue = [], {}, list(starts)
    while queue and len(seen) < LIMIT:
        path = queue.pop(0)
        if path in seen or shapes.get(_shape(path), 0) >= PER_SHAPE:
            continue
        page.goto(path)
        seen.append(path)
        shapes[_shape(path)] = shapes.get(_shape(path), 0) + 1
        for href in page.eval_on_selector_all("a[href]", LINKS_JS):
            link = urlsplit(href or "")
            if link.scheme or link.netloc or not link.path.startswith("/"):
                continue
            if (
                link.path.startswith(("/static/", "/sign-out"))
                or "." in link.path.rsplit("/", 1)[-1]
            ):
                continue
            queue.append(link.path)
    return seen


def _texts(page: Page, path: str) -> list[str]:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return list(page.evaluate(TEXTS_JS))


def _collected(page: Page, paths: list[str]) -> dict[str, list[str]]:
    return {path: _texts(page, path) for path in paths}


def _problems(texts: dict[str, dict[str, list[str]]], allowed: Allowed) -> list[str]:
    """What the fr and ar walks show that the en walk shows too, path by path, and raw keys."""
    problems = []
    for path, english_texts in texts["en"].items():
        english = set(english_texts)
        problems += [f"{path} en: raw key {t!r}" for t in english if allowed.raw_key(t)]
        for locale in ("fr", "ar"):
            for text in dict.fromkeys(texts[locale][path]):
                if allowed.raw_key(text):
                    problems.append(f"{path} {locale}: raw key {text!r}")
                elif text in english and allowed.untranslated(text, locale):
                    problems.append(f"{path} {locale}: in English {text!r}")
    return problems


def _compared(pages: dict[str, Page], paths: list[str], allowed: Allowed) -> list[str]:
    return _problems({locale: _collected(page, paths) for locale, page in pages.items()}, allowed)


def _pages(context_in: ContextIn) -> dict[str, Page]:
    return {locale: context_in(locale).new_page() for locale in ("en", "fr", "ar")}


def test_no_page_a_signed_out_visitor_reaches_shows_english_in_fr_or_ar(
    context_in: ContextIn, api: Api
) -> None:
    """The browser's language alone chooses: the sign-in page, the component gallery and
    all they link to."""
    pages = _pages(context_in)
    paths = _walk(pages["en"], "/sign-in", "/ui/components")

    assert {"/sign-in", "/ui/components"} <= set(paths)
    problems = _compared(
        pages, paths, _allowed(api, pages["en"].evaluate("navigator.userAgent"), paths)
    )
    assert not problems, "\n".join([f"walked: {paths}", *problems])


def test_no_page_a_tenant_admin_reaches_shows_english_in_fr_or_ar(
    context_in: ContextIn, api: Api
) -> None:
    """Three tenant admins of acme at Global, speaking en, fr and ar, open every page the
    header and the pages link to."""
    pages = _pages(context_in)
    for locale, page in pages.items():
        sign_in(page, api.account(locale, "tenant-admin", "Global"))
    members = f"/folders/{api.folders()['Global']}/members"  # named: walked even if links change
    paths = _walk(pages["en"], "/folders", members)

    assert {"/folders", "/audit", "/account", "/billing", members} <= set(paths), paths
    problems = _compared(
        pages, paths, _allowed(api, pages["en"].evaluate("navigator.userAgent"), paths)
    )
    assert not problems, "\n".join([f"walked: {paths}", *problems])


def _operator_data(operator: httpx.Client) -> set[str]:
    """What people reported, and the tenants' names, plans and invoices, and the catalog's
    plans, that the operator's pages show."""
    data = _leaves(operator.post("/queries/list-investigations", json={}).json())
    tenants = operator.post("/queries/list-tenants", json={"limit": 100}).json()["tenants"]
    for tenant in tenants:
        data |= {
            str(tenant[k])
            for k in ("displayName", "slug", "plan", "country", "region")
            if tenant[k]
        }
        body = {"tenantId": tenant["tenantId"], "limit": 100}
        invoices = operator.post("/queries/list-invoices", json=body).json()["invoices"]
        data |= {str(invoice["number"]) for invoice in invoices}
    if tenants:  # the plans of the catalog, which a tenant's page offers to choose from
        body = {"tenantId": tenants[0]["tenantId"]}
        data |= set(operator.post("/queries/get-tenant", json=body).json()["plans"])
    return data


def test_no_page_the_platform_operator_reaches_shows_english_in_fr_or_ar(
    context_in: ContextIn, api: Api, system: System
) -> None:
    """The operator's pages (tenants, investigations, announcements), read in each language in turn:
    there is one operator, whose language is set for each walk and set back to en after."""
    operator = httpx.Client(base_url=system.base_url, timeout=30)
    signed = {"tenant": "platform", "email": OPERATOR, "password": system.password}
    token = operator.post("/commands/log-in", json=signed).json()["accessToken"]
    operator.headers["Authorization"] = f"Bearer {token}"
    texts: dict[str, dict[str, list[str]]] = {}
    paths: list[str] = []
    try:
        for locale in ("en", "fr", "ar"):
            answer = operator.post("/commands/set-my-locale", json={"locale": locale})
            assert 200 == answer.status_code, answer.text
            page = context_in(locale).new_page()
            sign_in(page, "operator@platform")
            paths = paths or _walk(page, "/operator/investigations", "/operator/announcements")
            texts[locale] = _collected(page, paths)
        agent = page.evaluate("navigator.userAgent")
        allowed = _allowed(api, agent, paths)
        allowed = replace(allowed, names=allowed.names | _operator_data(operator))
    finally:
        operator.post("/commands/set-my-locale", json={"locale": "en"})
        operator.close()

    assert {"/operator/investigations", "/operator/announcements", "/operator/tenants"} <= set(
        paths
    ), paths
    problems = _problems(texts, allowed)
    assert not problems, "\n".join([f"walked: {paths}", *problems])
