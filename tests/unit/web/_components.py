"""Rendering one component alone and reading its HTML back as a tree, for the component tests:
the web app's own template environment with the globals a page gets (English strings, a
marked `message` and `number`), and the standard library's parser feeding an ElementTree
that its XPath subset queries."""

from __future__ import annotations

import tomllib
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from jinja2 import Environment

import ossature
from ossature.web._i18n import Catalog
from ossature.web.app import templates

__all__ = [
    "HOSTILE",
    "WEB",
    "catalog",
    "described_by",
    "environment",
    "one",
    "render",
    "text",
    "tree",
]

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


def catalog() -> dict[str, dict[str, str]]:
    """The components' catalog file: each key with its text per locale."""
    return tomllib.loads((WEB / "messages/components.toml").read_text())


def environment() -> Environment:
    """The web app's own template environment, with the globals a page gets, in English."""
    env = templates()
    entries = Catalog.load()
    env.globals.update(
        t=lambda key, **params: entries.text("en", key, params),
        message=lambda key, params: f"message {key} {sorted(params.items())}",
        number=lambda value: f"n{value}",
        csrf="csrf-token",
    )
    return env


ENV = environment()


def render(component: str, call: str, **values: Any) -> str:
    """The HTML of one call of a macro of components/<component>.html."""
    source = (
        f'{{% from "components/{component}.html" import {_component_names(component)} %}}{call}'
    )
    return ENV.from_string(source).render(**values)


def _component_names(component: str) -> str:
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
