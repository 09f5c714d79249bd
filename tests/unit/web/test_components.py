"""The component library, each macro rendered alone and its HTML read back as a tree: labels
tied to controls, ARIA wired to visible text, hostile input escaped, disabled buttons explained."""

from __future__ import annotations

import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment

import ossature
from ossature.web._i18n import Catalog
from ossature.web.app import templates

WEB = Path(ossature.__file__).parent / "web"
HOSTILE = '<script>alert("x")</script>'
VOID = {"input", "br", "img", "meta", "link", "hr", "source", "col", "wbr"}


class _Tree(HTMLParser):
    """Builds an ElementTree from HTML (void elements closed), to query with its XPath."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = ET.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1 and self.stack.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def _catalog() -> dict[str, dict[str, str]]:
    return tomllib.loads((WEB / "messages/components.toml").read_text())


def _environment() -> Environment:
    """The web app's own template environment, with the globals a page gets, in English."""
    env = templates()
    catalog = Catalog.load()
    env.globals.update(
        t=lambda key, **params: catalog.text("en", key, params),
        message=lambda key, params: f"message {key} {sorted(params.items())}",
        number=lambda value: f"n{value}",
        csrf="csrf-token",
    )
    return env


ENV = _environment()


def render(component: str, call: str, **values: Any) -> str:
    """The HTML of one call of a macro of components/<component>.html."""
    source = f'{{% from "components/{component}.html" import {component_names(component)} %}}{call}'
    return ENV.from_string(source).render(**values)


def component_names(component: str) -> str:
    return {
        "button": "button, button_link",
        "dialog": "dialog, dialog_opener",
        "toast": "toast, toast_region, toast_template",
        "problem": "problem_panel",
        "folder_tree": "folder_tree",
        "empty_state": "empty_state",
        "table": "table",
        "field": "field",
        "chart": "chart",
    }[component]


def tree(html: str) -> ET.Element:
    parser = _Tree()
    parser.feed(html)
    parser.close()
    return parser.root


def one(root: ET.Element, path: str) -> ET.Element:
    found = root.findall(path)
    assert len(found) == 1, (path, [ET.tostring(e) for e in found])
    return found[0]


def text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def described_by(root: ET.Element, element: ET.Element) -> list[str]:
    """The texts the element's aria-describedby points to, each id present once."""
    return [
        text(one(root, f".//*[@id='{ref}']")) for ref in element.get("aria-describedby", "").split()
    ]


def test_a_button_has_its_variant_and_submits() -> None:
    """An enabled button submits its form and carries its variant's class and extra attributes."""
    root = tree(render("button", "{{ button('Save', variant='danger', attrs={'hx-post': '/x'}) }}"))
    button = one(root, ".//button")
    assert ("submit", "button button--danger", "/x", "Save") == (
        button.get("type"),
        button.get("class"),
        button.get("hx-post"),
        text(button),
    )
    assert button.get("aria-disabled") is None


def test_a_disabled_button_says_why_and_submits_nothing() -> None:
    """A disabled button is aria-disabled, of type button, and described by its visible reason."""
    call = (
        "{{ button('Archive', id='archive-p1', disabled=reason, name='x',"
        " attrs={'hx-post': '/a', 'formaction': '/b', 'aria-label': 'Archive Apollo'}) }}"
    )
    root = tree(render("button", call, reason="Only editors may archive"))
    button = one(root, ".//button")
    assert ("button", "true") == (button.get("type"), button.get("aria-disabled"))
    assert ["Only editors may archive"] == described_by(root, button)
    assert (None, None, None) == (
        button.get("name"),
        button.get("hx-post"),
        button.get("formaction"),
    )
    assert "Archive Apollo" == button.get("aria-label")


def test_a_button_escapes_its_label() -> None:
    """A hostile label is text, not markup."""
    html = render(
        "button", "{{ button(label) }} {{ button_link(label, href) }}", label=HOSTILE, href='"><x'
    )
    assert "<script>" not in html and '"><x' not in html
    assert [HOSTILE, HOSTILE] == [text(e) for e in tree(html).iter() if e.tag in ("button", "a")]


def test_a_field_ties_its_label_hint_and_error() -> None:
    """The label names the input; the hint and the error describe it; the error marks it invalid."""
    call = "{{ field('name', 'Name', value=v, hint='Up to 80 characters', error='Too long', required=true) }}"
    root = tree(render("field", call, v=HOSTILE))
    control = one(root, ".//input")
    assert control.get("id") == one(root, ".//label").get("for")
    assert ("true", HOSTILE, "") == (
        control.get("aria-invalid"),
        control.get("value"),
        control.get("required"),
    )
    assert ["Up to 80 characters", "Too long"] == described_by(root, control)


def test_a_field_without_error_is_valid_and_undescribed() -> None:
    """No hint and no error: no aria-describedby, no aria-invalid."""
    control = one(tree(render("field", "{{ field('q', 'Search', type='search') }}")), ".//input")
    assert ("search", None, None) == (
        control.get("type"),
        control.get("aria-describedby"),
        control.get("aria-invalid"),
    )


def test_a_password_field_never_writes_its_value_back() -> None:
    """The value of a password field is not in the page."""
    html = render("field", "{{ field('password', 'Password', type='password', value='hunter2') }}")
    assert "hunter2" not in html


@pytest.mark.parametrize(("kind", "tag"), [("textarea", "textarea"), ("select", "select")])
def test_textareas_and_selects_are_labelled_fields(kind: str, tag: str) -> None:
    """Other controls are tied to their label and error the same way."""
    call = f"{{{{ field('f', 'Label', type='{kind}', value='b', error='Wrong', options=[('a', 'A'), ('b', 'B')]) }}}}"
    root = tree(render("field", call))
    control = one(root, f".//{tag}")
    assert control.get("id") == one(root, ".//label").get("for")
    assert ["Wrong"] == described_by(root, control)
    if tag == "select":
        assert "b" == one(root, ".//option[@selected]").get("value")


COLUMNS = [("name", "Name"), ("owner", "Owner")]


def test_a_table_has_its_caption_headers_and_rows() -> None:
    """Caption, column headers scoped to columns, the first cell a row header, values escaped."""
    rows = [{"name": HOSTILE, "owner": "ann"}, {"name": "B", "owner": "bob"}]
    root = tree(
        render(
            "table",
            "{{ table('projects', 'Projects', columns, rows) }}",
            columns=COLUMNS,
            rows=rows,
        )
    )
    assert "Projects" == text(one(root, ".//table/caption"))
    assert [("col", "Name"), ("col", "Owner")] == [
        (th.get("scope"), text(th)) for th in root.findall(".//thead//th")
    ]
    assert [HOSTILE, "B"] == [text(th) for th in root.findall(".//tbody/tr/th[@scope='row']")]
    region = one(root, ".//div[@role='region']")
    assert (region.get("aria-labelledby"), "0") == (
        one(root, ".//caption").get("id"),
        region.get("tabindex"),
    )
    assert [] == root.findall(".//nav")


def test_a_table_draws_rows_with_its_caller() -> None:
    """A call block draws each row's cells."""
    call = (
        "{% call(row) table('t', 'T', columns, rows) %}<td>{{ row.owner|upper }}</td>{% endcall %}"
    )
    root = tree(render("table", call, columns=COLUMNS, rows=[{"owner": "ann"}]))
    assert ["ANN"] == [text(td) for td in root.findall(".//tbody//td")]


def test_an_empty_table_says_so_across_its_columns() -> None:
    """No rows: one cell spanning every column holds the empty state."""
    root = tree(render("table", "{{ table('t', 'T', columns, []) }}", columns=COLUMNS))
    cell = one(root, ".//tbody//td")
    assert ("2", "Nothing here yet.") == (cell.get("colspan"), text(cell))


def test_page_links_keep_the_query_and_swap_the_table_only() -> None:
    """Previous and next keep every other query parameter, repeated ones included, and htmx
    swaps the table's region with the same region of the answer."""
    query = [("source", "crm"), ("source", "erp"), ("cursor", "old"), ("q", "a&b")]
    call = "{{ table('projects', 'P', columns, [], query=query, previous='', next='c2', path='/folders/f1') }}"
    root = tree(render("table", call, columns=COLUMNS, query=query))
    nav = one(root, ".//nav")
    assert "Pages" == nav.get("aria-label")
    previous, following = one(nav, "a[@rel='prev']"), one(nav, "a[@rel='next']")
    assert "/folders/f1?source=crm&source=erp&q=a%26b" == previous.get("href")
    assert "/folders/f1?source=crm&source=erp&q=a%26b&cursor=c2" == following.get("href")
    assert (following.get("href"), "#projects", "#projects", "outerHTML") == (
        following.get("hx-get"),
        following.get("hx-target"),
        following.get("hx-select"),
        following.get("hx-swap"),
    )
    assert "Next page" == text(following)


def test_a_last_page_has_no_next_link() -> None:
    """Without a next cursor there is no next link, and a mapping query is kept too."""
    call = "{{ table('t', 'T', columns, [], query={'q': 'x', 'cursor': 'c'}, previous='c1') }}"
    root = tree(render("table", call, columns=COLUMNS))
    assert [("prev", "?q=x&cursor=c1")] == [
        (a.get("rel"), a.get("href")) for a in root.findall(".//nav/a")
    ]


FOLDERS = [
    {"folderId": "f-global", "name": "Global", "parentId": None},
    {"folderId": "f-eu", "name": "EU", "parentId": "f-global"},
    {"folderId": "f-us", "name": "US", "parentId": "f-global"},
    {"folderId": "f-fr", "name": HOSTILE, "parentId": "f-eu"},
]


def _outline(ul: ET.Element) -> list[Any]:
    """The tree as nested [name, [children]] read from the nested lists."""
    items = []
    for li in ul.findall("li"):
        child = li.find("ul")
        items.append([text(one(li, "a")), _outline(child) if child is not None else []])
    return items


def test_a_folder_tree_nests_lists_of_links() -> None:
    """Folders nest under their parents, in a named navigation landmark, names escaped."""
    root = tree(
        render(
            "folder_tree", "{{ folder_tree(folders, 'Folders', current='f-eu') }}", folders=FOLDERS
        )
    )
    nav = one(root, "nav")
    assert "Folders" == nav.get("aria-label")
    assert [["Global", [["EU", [[HOSTILE, []]]], ["US", []]]]] == _outline(one(nav, "ul"))


def test_the_current_folder_is_marked_and_links_are_made_from_ids() -> None:
    """Only the current folder is aria-current; each link is the href with its id."""
    call = "{{ folder_tree(folders, 'Folders', current='f-eu', href='/folders/{id}/projects') }}"
    root = tree(render("folder_tree", call, folders=FOLDERS))
    assert ["EU"] == [text(a) for a in root.findall(".//a[@aria-current='page']")]
    assert "/folders/f-us/projects" == one(root, ".//a[.='US']").get("href")


def test_a_branch_seen_alone_has_its_top_folder_as_root() -> None:
    """A folder whose parent is not in the list (the user sees a branch only) is a root."""
    root = tree(render("folder_tree", "{{ folder_tree(folders, 'F') }}", folders=FOLDERS[1:]))
    assert [["EU", [[HOSTILE, []]]], ["US", []]] == _outline(one(root, "nav/ul"))


def test_a_dialog_is_named_and_closes_without_script() -> None:
    """A native dialog named by its heading, closed by a form of method dialog, opened by an
    invoker button, with a link to the same content as a page."""
    call = "{% call dialog('rename', 'Rename') %}<p>Body</p>{% endcall %}{{ dialog_opener('Rename', 'rename', href='/p/1/rename') }}"
    root = tree(render("dialog", call))
    dialog = one(root, "dialog")
    assert "Rename" == text(one(root, f".//*[@id='{dialog.get('aria-labelledby')}']"))
    assert ("dialog", "Close") == (
        one(dialog, ".//form").get("method"),
        text(one(dialog, ".//form/button")),
    )
    opener = one(root, "button")
    assert ("rename", "show-modal", "button") == (
        opener.get("commandfor"),
        opener.get("command"),
        opener.get("type"),
    )
    assert "/p/1/rename" == one(root, "a").get("href")


def test_a_dialog_as_a_page_is_a_section_with_a_way_back() -> None:
    """Reached as a page, the same dialog is a named section whose Close is a link."""
    call = "{% call dialog('rename', 'Rename', as_page=true, close_href='/p/1') %}<p>Body</p>{% endcall %}"
    root = tree(render("dialog", call))
    section = one(root, "section")
    assert ("rename-title", "Body") == (section.get("aria-labelledby"), text(one(section, "div/p")))
    assert ("/p/1", "Close") == (one(section, ".//a").get("href"), text(one(section, ".//a")))
    assert [] == root.findall(".//dialog")


def test_toasts_are_in_a_polite_region_and_dismissable() -> None:
    """The region is a polite status; a toast is an open dialog named by its message whose
    Dismiss button closes it with no script."""
    call = "{% call toast_region() %}{{ toast(m, id='t1') }}{% endcall %}{{ toast_template() }}"
    root = tree(render("toast", call, m=HOSTILE))
    region = one(root, "div")
    assert ("status", "polite") == (region.get("role"), region.get("aria-live"))
    toast = one(region, "dialog")
    assert ("", HOSTILE) == (
        toast.get("open"),
        text(one(root, f".//*[@id='{toast.get('aria-labelledby')}']")),
    )
    dismiss = one(toast, "form[@method='dialog']/button")
    assert ("Dismiss", [HOSTILE]) == (text(dismiss), described_by(root, dismiss))
    assert "toast-message" == one(root, "template//p").get("class")


def test_an_empty_state_has_its_title_body_and_action() -> None:
    """Title, sentence and the caller's action, in that order."""
    call = "{% call empty_state('No projects', 'Create one.') %}<a href='/new'>New</a>{% endcall %}"
    root = tree(render("empty_state", call))
    assert ["No projects", "Create one.", "New"] == [
        text(e) for e in root.iter() if e.tag in ("p", "a")
    ]


def _problem(**extra: Any) -> Mapping[str, Any]:
    return {
        "message_key": "projects.archived",
        "message_params": {"name": HOSTILE},
        "invocation_id": "inv-1",
        **extra,
    }


def test_a_problem_panel_is_an_alert_titled_by_its_message() -> None:
    """role=alert, titled by the message of its key and parameters, its invocation id shown,
    and no action unless the page gives one."""
    root = tree(render("problem", "{{ problem_panel(error) }}", error=_problem()))
    panel = one(root, "section")
    title = one(root, f".//*[@id='{panel.get('aria-labelledby')}']")
    assert ("alert", f"message projects.archived [('name', '{HOSTILE}')]") == (
        panel.get("role"),
        text(title),
    )
    assert "inv-1" == text(one(panel, ".//code"))
    assert [] == panel.findall(".//form")


def test_a_problem_panel_offers_try_again_and_report() -> None:
    """Try again re-posts the given fields (the same Idempotency-Key) with the CSRF token;
    Report posts the invocation with a labelled description."""
    retry = {"action": "/retry", "fields": {"idempotencyKey": "k-1", "name": HOSTILE}}
    report = {"action": "/reports", "fields": {"invocationId": "inv-1"}}
    root = tree(
        render(
            "problem",
            "{{ problem_panel(error, retry=retry, report=report) }}",
            error=_problem(),
            retry=retry,
            report=report,
        )
    )
    again, report_form = root.findall(".//form")
    hidden = {i.get("name"): i.get("value") for i in again.findall("input[@type='hidden']")}
    assert ("/retry", "post", {"csrf": "csrf-token", "idempotencyKey": "k-1", "name": HOSTILE}) == (
        again.get("action"),
        again.get("method"),
        hidden,
    )
    assert "Try again" == text(one(again, "button"))
    description = one(report_form, ".//textarea")
    assert ("description", "What were you doing?") == (
        description.get("name"),
        text(one(report_form, f".//label[@for='{description.get('id')}']")),
    )
    assert "inv-1" == one(report_form, "input[@name='invocationId']").get("value")
    assert "Report this problem" == text(one(report_form, "button"))


def test_a_problem_whose_key_is_not_in_the_catalog_shows_its_own_title() -> None:
    """The server's catalog lacks the key: the problem's title, not the key, is shown."""

    class Problem:
        message_key, message_params, invocation_id, title = "x.new", {}, None, "Gone wrong"

    env = _environment()
    env.globals["message"] = lambda key, params: key
    source = '{% from "components/problem.html" import problem_panel %}{{ problem_panel(e) }}'
    root = tree(env.from_string(source).render(e=Problem()))
    assert "Gone wrong" == text(one(root, ".//h2"))


def test_a_problem_without_invocation_shows_none() -> None:
    """A failure that never reached the server (unreachable) has no invocation line."""
    root = tree(render("problem", "{{ problem_panel(error) }}", error=_problem(invocation_id=None)))
    assert [] == root.findall(".//code")


LABELS = ["1 Mar", "2 Mar", "3 Mar"]
SERIES = [{"name": "crm", "values": [3, 0, 7]}, {"name": HOSTILE, "values": [1, 1, 0]}]


@pytest.mark.parametrize(("kind", "mark"), [("line", "circle"), ("bar", "rect")])
def test_a_chart_is_an_image_whose_points_carry_their_data(kind: str, mark: str) -> None:
    """The SVG is role=img named by its title and described; every point carries its series,
    key and value."""
    call = f"{{{{ chart('logins', 'Logins', labels, series, kind='{kind}', desc='Per day', keys=keys) }}}}"
    root = tree(render("chart", call, labels=LABELS, series=SERIES, keys=["d1", "d2", "d3"]))
    svg = one(root, ".//svg")
    names = [
        text(one(root, f".//*[@id='{ref}']")) for ref in svg.get("aria-labelledby", "").split()
    ]
    assert ("img", ["Logins", "Per day"]) == (svg.get("role"), names)
    points = [
        (p.get("data-series"), p.get("data-key"), p.get("data-value")) for p in svg.iter(mark)
    ]
    assert [
        ("crm", "d1", "3"),
        ("crm", "d2", "0"),
        ("crm", "d3", "7"),
        (HOSTILE, "d1", "1"),
        (HOSTILE, "d2", "1"),
        (HOSTILE, "d3", "0"),
    ] == points


def test_a_charts_points_stand_where_their_values_say() -> None:
    """The highest value is the highest point; zero sits on the axis at the bottom."""
    root = tree(
        render("chart", "{{ chart('c', 'C', labels, series) }}", labels=LABELS, series=SERIES)
    )
    heights = {
        (c.get("data-series"), c.get("data-key")): float(c.get("cy", ""))
        for c in root.iter("circle")
    }
    assert heights[("crm", "3 Mar")] < heights[("crm", "1 Mar")] < heights[("crm", "2 Mar")]
    assert heights[("crm", "2 Mar")] == heights[(HOSTILE, "3 Mar")]


def test_a_chart_has_the_same_data_as_a_table() -> None:
    """The table under the chart has a row per position and a column per series, numbers
    formatted for the locale."""
    root = tree(
        render("chart", "{{ chart('c', 'Logins', labels, series) }}", labels=LABELS, series=SERIES)
    )
    table = one(root, ".//table")
    assert "Logins" == text(one(table, "caption"))
    assert ["Day", "crm", HOSTILE] == [text(th) for th in table.findall("thead/tr/th")]
    rows = [[text(c) for c in tr] for tr in table.findall("tbody/tr")]
    assert [["1 Mar", "n3", "n1"], ["2 Mar", "n0", "n1"], ["3 Mar", "n7", "n0"]] == rows


def test_a_chart_of_nothing_draws_an_empty_axis() -> None:
    """No series and no labels still make a valid, named image."""
    root = tree(render("chart", "{{ chart('c', 'C', [], []) }}"))
    assert ("img", []) == (one(root, ".//svg").get("role"), list(root.iter("circle")))


def test_every_word_of_the_components_is_in_every_language() -> None:
    """Each key has en, fr and ar, with the same parameters."""
    for key, texts in _catalog().items():
        assert ["ar", "en", "fr"] == sorted(texts), key
        params = {locale: set(re.findall(r"{(\w+)}", text)) for locale, text in texts.items()}
        assert params["en"] == params["fr"] == params["ar"], key


def test_every_key_the_components_use_is_in_the_catalog() -> None:
    """Each t("components.…") of a component template has its English text."""
    used = {
        key
        for path in (WEB / "templates/components").glob("*.html")
        for key in re.findall(r"""t\(["'](components\.[\w.-]+)["']""", path.read_text())
    }
    assert used
    assert set() == used - _catalog().keys()


def test_the_stylesheet_uses_logical_properties_only() -> None:
    """No left or right in app.css, and no shorthand with different inline-start and inline-end
    values: a right-to-left page mirrors by itself."""
    css = re.sub(r"/\*.*?\*/", "", (WEB / "static/app.css").read_text(), flags=re.DOTALL)
    declarations = re.findall(r"([\w-]+)\s*:\s*([^;{}]+);", css)
    physical = [(p, v) for p, v in declarations if re.search(r"\b(left|right)\b", f"{p} {v}")]
    assert [] == physical
    lopsided = [
        (p, v)
        for p, v in declarations
        if p in ("margin", "padding", "border-width", "border-radius", "inset")
        and len(parts := v.split()) == 4
        and parts[1] != parts[3]
    ]
    assert [] == lopsided
