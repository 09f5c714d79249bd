"""What a command's commit meters with its effects (decision 75).

The kernel knows no billing: it hands the meter to its appends, whose statement calls
`ossature_meter_commit` (defined by the billing module) after the audit entry, so that an
operation is counted exactly when the command's effects are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Meter", "meter_columns"]


@dataclass(frozen=True)
class Meter:
    """A metered command: the module it belongs to and the folder it acted in (None: the
    tenant's root folder)."""

    module: str
    folder_id: str | None = None


def meter_columns(meter: Meter | None) -> list[Any]:
    """The meter as the append functions take it: module and folder, nulls for none."""
    return [None, None] if meter is None else [meter.module, meter.folder_id]
