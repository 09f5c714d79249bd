"""Where a tenant's data is meant to live: its region, a tag today (decision 91).

A tenant gets its region at create-tenant, or the deployment's default
(OSSATURE_DEFAULT_REGION, by default `eu`); `tenant-created` events written before regions
existed name none, and their tenants are in `eu`, the first region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

import msgspec

from ossature.kernel.deps import Deps

__all__ = ["FIRST_REGION", "REGION_PATTERN", "Region", "Regions", "region_of"]

REGION_PATTERN = r"^[a-z]{2}(-[a-z0-9]{1,16}){0,2}$"  # eu, us, eu-west, us-east-2
Region = Annotated[str, msgspec.Meta(pattern=REGION_PATTERN, max_length=40)]
FIRST_REGION = "eu"


@dataclass(frozen=True)
class Regions:
    """The deployment's default region, checked when the system starts."""

    default: str = FIRST_REGION

    def __post_init__(self) -> None:
        if not re.fullmatch(REGION_PATTERN, self.default):
            raise ValueError(f"OSSATURE_DEFAULT_REGION {self.default!r} is no region tag")


def region_of(deps: Deps, asked: str | None) -> str:
    """The region a new tenant gets: the one asked, else the deployment's default."""
    if asked is not None:
        return asked
    regions = deps.services.get(Regions)
    return regions.default if isinstance(regions, Regions) else FIRST_REGION
