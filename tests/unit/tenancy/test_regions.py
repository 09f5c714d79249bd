"""Region tags: what create-tenant accepts, and the default a deployment may set."""

from __future__ import annotations

import msgspec
import pytest

from ossature.modules.tenancy.commands.create_tenant import CreateTenant, TenantCreated
from ossature.modules.tenancy.regions import Regions


@pytest.mark.parametrize("tag", ["eu", "us", "eu-west", "us-east-2"])
def test_a_region_tag_is_accepted(tag: str) -> None:
    body = {"slug": "acme", "displayName": "Acme", "region": tag}
    assert tag == msgspec.convert(body, CreateTenant).region
    assert tag == Regions(tag).default


@pytest.mark.parametrize("tag", ["EU", "e", "eu_west", "eu-", "europe west", ""])
def test_what_is_no_region_tag_is_refused(tag: str) -> None:
    body = {"slug": "acme", "displayName": "Acme", "region": tag}
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(body, CreateTenant)
    with pytest.raises(ValueError, match="OSSATURE_DEFAULT_REGION"):
        Regions(tag)


def test_a_tenant_created_before_regions_decodes_with_none() -> None:
    """An event stored before the field existed still decodes (its tenant is in eu)."""
    stored = b'{"tenantId": "t", "slug": "acme", "displayName": "Acme", "rootFolderId": "f"}'
    assert msgspec.json.decode(stored, type=TenantCreated).region is None
