"""Every event field of any module that holds a person's email or name is declared personal
(`Event.personal`), so that it is sealed with the person's key (decision 93)."""

from __future__ import annotations

import re

import msgspec

from ossature.kernel.messages import Event
from ossature.runtime.application import MODULES

# A field named like a person's email or name. Names of things (a project, a token, a tenant)
# and the names of service accounts are no person's: listed below with why.
_PERSONAL_NAME = re.compile(r"(^|_)(email|display_name|full_name|first_name|last_name)$")
NOT_A_PERSON = {
    # a service account's name is chosen by whoever makes it, for a machine (decision 93)
    ("service-account-created", "display_name"),
    # a tenant's name is an organization's, shown to the world on its entry point
    ("tenant-created", "display_name"),
}


def _fields(event: type[Event]) -> list[str]:
    return [field.name for field in msgspec.structs.fields(event)]


def test_every_field_named_like_a_persons_email_or_name_is_declared_personal() -> None:
    undeclared = [
        (event.name, field)
        for module in MODULES
        for event in module.events
        for field in _fields(event)
        if _PERSONAL_NAME.search(field)
        and field not in event.personal
        and (event.name, field) not in NOT_A_PERSON
    ]
    assert undeclared == []


def test_every_declared_personal_field_exists_and_is_text() -> None:
    for module in MODULES:
        for event in module.events:
            types = {f.name: f.type for f in msgspec.structs.fields(event)}
            for field in event.personal:
                assert types.get(field) in (str, str | None), (event.name, field)


def test_identitys_events_declare_the_persons_email_and_name() -> None:
    declared = {e.name: e.personal for m in MODULES for e in m.events if e.personal}
    assert declared["account-registered"] == ("email", "display_name")
    assert declared["email-verified"] == ("email",)
    assert declared["account-invited"] == ("email", "display_name")
    assert declared["password-reset-requested"] == ("email", "display_name")
    assert declared["email-verification-requested"] == ("email", "display_name")
