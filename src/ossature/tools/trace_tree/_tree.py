"""Spans drawn as an indented tree: children under their parent, in the order they began."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind

__all__ = ["render"]

_SHOWN = (
    "ossature.status",
    "ossature.events",
    "ossature.group.size",
    "ossature.deliveries",
    "http.response.status_code",
)


def render(spans: Sequence[ReadableSpan]) -> str:
    """The spans as a tree; one whose parent is not among them is a root. Each line: the
    name, its kind when not internal, when it began after the first root and how long it
    took, a few attributes, and the spans it links to."""
    ids = {_id(s) for s in spans}
    children: dict[int | None, list[ReadableSpan]] = defaultdict(list)
    for span in spans:
        parent = span.parent.span_id if span.parent is not None else None
        children[parent if parent in ids else None].append(span)
    for found in children.values():
        found.sort(key=lambda s: s.start_time or 0)
    roots = children[None]
    origin = min((s.start_time or 0) for s in spans) if spans else 0
    lines: list[str] = []
    for index, root in enumerate(roots):
        _draw(root, children, origin, "", index == len(roots) - 1, lines, top=True)
    return "\n".join(lines)


def _draw(
    span: ReadableSpan,
    children: dict[int | None, list[ReadableSpan]],
    origin: int,
    indent: str,
    last: bool,
    lines: list[str],
    top: bool = False,
) -> None:
    branch = "" if top else ("└─ " if last else "├─ ")
    lines.append(f"{indent}{branch}{_line(span, origin)}")
    below = indent if top else indent + ("   " if last else "│  ")
    found = children.get(_id(span), [])
    for index, child in enumerate(found):
        _draw(child, children, origin, below, index == len(found) - 1, lines)


def _line(span: ReadableSpan, origin: int) -> str:
    start, end = span.start_time or 0, span.end_time or span.start_time or 0
    parts = [span.name]
    if span.kind != SpanKind.INTERNAL:
        parts.append(f"[{span.kind.name.lower()}]")
    parts.append(f"+{(start - origin) / 1e6:.1f} ms, {(end - start) / 1e6:.1f} ms")
    attributes = span.attributes or {}
    parts += [
        f"{key.rsplit('.', 1)[-1]}={attributes[key]!s}" for key in _SHOWN if key in attributes
    ]
    if span.links:
        parts.append(f"links {len(span.links)}")
    return "  ".join(parts)


def _id(span: ReadableSpan) -> int:
    assert span.context is not None
    return int(span.context.span_id)
