"""What the account pages share: reading a posted form, and where to go next."""

from __future__ import annotations

from typing import Any

from ossature.web._page import View, safe_next

__all__ = ["isolated", "next_of", "text", "value"]


def text(form: Any, name: str) -> str:
    """A field as typed, but for spaces around it."""
    return value(form, name).strip()


def value(form: Any, name: str) -> str:
    """A field exactly as typed (a password's spaces are its own)."""
    field = form.get(name)
    return field if isinstance(field, str) else ""


def next_of(view: View) -> str:
    """The page to go to after signing in: the request's `next`, when it is one of ours."""
    return safe_next(view.request.query_params.get("next"))


def isolated(name: str) -> str:
    """`name` set apart from the sentence around it (Unicode's first-strong isolate): an
    address keeps its order inside an Arabic sentence, as <bdi> does for an element."""
    return f"\u2068{name}\u2069"
