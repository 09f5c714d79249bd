"""Secret and Personal: shown as a mask, decoded and described as constrained strings."""

from __future__ import annotations

import msgspec
import pytest

from ossature.kernel.errors import InvalidPayload
from ossature.kernel.idempotency import fingerprint
from ossature.kernel.messages import Payload
from ossature.kernel.module import payload_schema, typed_payload
from ossature.kernel.sensitive import Personal, Secret, secret_fields, string_info


class Pin(Secret[str]):
    meta = msgspec.Meta(min_length=4, max_length=8, pattern=r"^[0-9]+$")


class Name(Personal[str]):
    meta = msgspec.Meta(min_length=1, max_length=20)


class Unlock(Payload, frozen=True):
    pin: Pin
    owner: Name
    spare: Pin | None = None
    note: Secret[str] | None = None  # a plain Secret, parameterized


def test_repr_str_and_format_show_the_mask_and_reveal_the_value() -> None:
    """Nothing but reveal() shows the value: repr, str and f-strings show a mask."""
    pin, name = Pin("1234"), Name("Ada")
    shown = (
        repr(pin),
        str(pin),
        f"{pin}",
        repr(name),
        str(name),
        repr(Unlock(pin=pin, owner=name)),
    )
    expected = (
        "Pin('***')",
        "***",
        "***",
        "Name('<personal>')",
        "<personal>",
        "Unlock(pin=Pin('***'), owner=Name('<personal>'), spare=None, note=None)",
    )
    assert (expected, "1234", "Ada") == (shown, pin.reveal(), name.reveal())


def test_values_of_a_kind_are_equal_and_hash_alike_when_their_values_are() -> None:
    """Two secrets of one value are equal; a secret never equals a personal value or a str."""
    assert (True, True, False, False) == (
        Secret("x") == Pin("x"),
        hash(Secret("x")) == hash(Pin("x")),
        Secret("x") == Personal("x"),
        Secret("x") == "x",
    )


def test_a_payload_field_is_decoded_from_a_string_and_checked_by_its_meta() -> None:
    """A valid string becomes the field's wrapper; one its meta refuses is InvalidPayload."""
    unlock = typed_payload(Unlock, {"pin": "1234", "owner": "Ada", "spare": "5678", "note": "n"})
    with pytest.raises(InvalidPayload) as short:
        typed_payload(Unlock, {"pin": "12", "owner": "Ada"})
    with pytest.raises(InvalidPayload) as letters:
        typed_payload(Unlock, {"pin": "abcd", "owner": "Ada"})
    expected = (
        (Pin, "1234", Name, "Ada", ("5678", Secret("n"))),
        "Expected `str` of length >= 4 - at `$.pin`",
        "Expected `str` matching regex '^[0-9]+$' - at `$.pin`",
    )
    spare = (unlock.spare.reveal() if unlock.spare else None, unlock.note)
    decoded = (type(unlock.pin), unlock.pin.reveal(), type(unlock.owner), unlock.owner.reveal())
    assert expected == (
        (*decoded, spare),
        short.value.params["reason"],
        letters.value.params["reason"],
    )


def test_the_payload_schema_describes_each_field_as_its_constrained_string() -> None:
    """/openapi.json sees strings with their constraints; a secret is write-only."""
    properties = payload_schema(Unlock)["$defs"]["Unlock"]["properties"]
    pin = {"type": "string", "minLength": 4, "maxLength": 8, "pattern": "^[0-9]+$"}
    expected = ({**pin, "writeOnly": True}, {"type": "string", "minLength": 1, "maxLength": 20})
    assert expected == (properties["pin"], properties["owner"])


def test_the_secret_fields_are_the_secret_typed_ones_and_stay_out_of_the_fingerprint() -> None:
    """A payload's Secret fields (optional ones too) are named; its fingerprint ignores them
    and still tells two persons apart."""
    first = Unlock(pin=Pin("1234"), owner=Name("Ada"))
    other_pin = Unlock(pin=Pin("9999"), owner=Name("Ada"), spare=Pin("1"))
    other_owner = Unlock(pin=Pin("1234"), owner=Name("Bob"))
    assert (("pin", "spare", "note"), True, False) == (
        secret_fields(Unlock),
        fingerprint(first) == fingerprint(other_pin),
        fingerprint(first) == fingerprint(other_owner),
    )


def test_a_field_s_inspected_type_reads_as_its_constrained_string() -> None:
    """Tools that sample payloads by their types see a Sensitive field as its string."""
    fields = msgspec.inspect.type_info(Unlock).fields  # type: ignore[attr-defined]
    pin, owner = (string_info(field.type) for field in fields[:2])
    assert (msgspec.inspect.StrType(4, 8, "^[0-9]+$"), msgspec.inspect.StrType(1, 20)) == (
        pin,
        owner,
    )
