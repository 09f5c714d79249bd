"""Audit: every invocation, allowed or denied, with its invocation context."""

from pathlib import Path

from ossature.kernel.module import Anyone, Module, QuerySpec
from ossature.modules.audit.queries import (
    GetAuditEntry,
    ListAuditEntries,
    get_audit_entry,
    list_audit_entries,
)

__all__ = ["MODULE"]

MODULE = Module(
    name="audit",
    queries=[
        QuerySpec("list-audit-entries", ListAuditEntries, list_audit_entries, Anyone()),
        QuerySpec("get-audit-entry", GetAuditEntry, get_audit_entry, Anyone()),
    ],
    root=Path(__file__).parent,
    product=False,  # the platform's own: always on, never metered
)
