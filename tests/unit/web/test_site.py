"""The web app's frame: languages, security headers, the vendored scripts, one port."""

from __future__ import annotations

import hashlib
import re

from ossature.web._headers import policy, websocket_origin
from ossature.web._i18n import Catalog, direction, locale_of
from ossature.web.paths import STATIC


def test_the_locale_is_the_account_s_then_the_chosen_then_the_browser_s_then_english() -> None:
    assert ["fr", "ar", "fr", "ar", "en", "en"] == [
        locale_of("fr", "ar", "en"),
        locale_of(None, "ar", "fr"),
        locale_of(None, None, "de-DE,fr-CA;q=0.8,en;q=0.5"),
        locale_of("xx", None, "ar-EG"),
        locale_of(None, None, "de, it"),
        locale_of(None, "xx", ""),
    ]


def test_arabic_is_written_right_to_left() -> None:
    assert ["ltr", "ltr", "rtl"] == [direction(locale) for locale in ("en", "fr", "ar")]


def test_a_string_falls_back_to_english_and_fills_its_placeholders() -> None:
    catalog = Catalog({"a.b": {"en": "Hello {name}", "fr": "Bonjour {name}"}})
    assert ["Bonjour Ada", "Hello Ada", "a.missing"] == [
        catalog.text("fr", "a.b", {"name": "Ada"}),
        catalog.text("ar", "a.b", {"name": "Ada"}),
        catalog.text("fr", "a.missing"),
    ]


def test_the_policy_allows_no_inline_code_and_the_push_origin_only() -> None:
    origin = websocket_origin("ws://127.0.0.1:9222/mqtt")
    text = policy(origin)
    assert "ws://127.0.0.1:9222" == origin
    assert "connect-src 'self' ws://127.0.0.1:9222;" in text
    assert "'unsafe-inline'" not in text and "'unsafe-eval'" not in text
    assert "frame-ancestors 'none'" in text


def test_the_vendored_scripts_are_the_versions_their_readme_names() -> None:
    vendor = STATIC / "vendor"
    table = (vendor / "README.md").read_text()
    named = dict(re.findall(r"^\| (\S+\.js) \|.*\| ([0-9a-f]{64}) \|$", table, re.MULTILINE))
    actual = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in vendor.glob("*.js")
    }
    assert named == actual
    assert {"LICENSE-htmx", "LICENSE-mqtt"} <= {path.name for path in vendor.iterdir()}
