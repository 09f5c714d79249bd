"""The investigations read model: one row per investigation, its state as its events fold it.

Inline: a report is in "My reports" when its command answers, and the operator's answer
when resolve-investigation does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ossature.kernel.projection import Projection, folded_rows
from ossature.modules.support.state import Investigation, InvestigationEvent

__all__ = ["investigations"]


def investigations(events: Sequence[type[InvestigationEvent]]) -> Projection:
    """The read model of the investigations whose streams hold `events`."""
    rows = folded_rows("investigations", "investigations", Investigation, events)
    return dataclasses.replace(rows, inline=True)
