"""The component library's controls, each macro rendered alone and its HTML read back as a
tree: labels tied to controls, ARIA wired to visible text, hostile input escaped, disabled
buttons explained; and the words and stylesheet they share."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest

from tests.unit.web._components import (
    HOSTILE,
    WEB,
    catalog,
    described_by,
    environment,
    one,
    render,
    text,
    tree,
)


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


def test_a_dialog_is_named_and_closes_without_script() -> None:
    """A native dialog named by its heading, closed by a form of method dialog, opened by an
    invoker button, with a link to the same content as a page."""
    call = (
        "{% call dialog('rename', title) %}<p>Body</p>{% endcall %}"
        "{{ dialog_opener(title, 'rename', href='/p/1/rename') }}"
    )
    root = tree(render("dialog", call, title=HOSTILE))
    dialog = one(root, "dialog")
    assert HOSTILE == text(one(root, f".//*[@id='{dialog.get('aria-labelledby')}']"))
    assert f"{HOSTILE} (open as a page)" == text(one(root, "a"))
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

    env = environment()
    env.globals["message"] = lambda key, params: key
    source = '{% from "components/problem.html" import problem_panel %}{{ problem_panel(e) }}'
    root = tree(env.from_string(source).render(e=Problem()))
    assert "Gone wrong" == text(one(root, ".//h2"))


def test_a_problem_without_invocation_shows_none() -> None:
    """A failure that never reached the server (unreachable) has no invocation line."""
    root = tree(render("problem", "{{ problem_panel(error) }}", error=_problem(invocation_id=None)))
    assert [] == root.findall(".//code")


def test_every_word_of_the_components_is_in_every_language() -> None:
    """Each key has en, fr and ar, with the same parameters."""
    for key, texts in catalog().items():
        assert ["ar", "en", "fr"] == sorted(texts), key
        params = {locale: set(re.findall(r"{(\w+)}", text)) for locale, text in texts.items()}
        assert params["en"] == params["fr"] == params["ar"], key


def test_every_key_the_components_use_is_in_thecatalog() -> None:
    """Each t("components.…") of a component template has its English text."""
    used = {
        key
        for path in (WEB / "templates/components").glob("*.html")
        for key in re.findall(r"""t\(["'](components\.[\w.-]+)["']""", path.read_text())
    }
    assert used
    assert set() == used - catalog().keys()


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
