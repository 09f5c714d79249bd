"""The event schema registry: the committed schemas match every event type, and the check
refuses what would stop a stored payload from decoding."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import msgspec
import pytest

from ossature.kernel.messages import Event
from ossature.tools.schemas import check, declared, incompatibilities, schema_file, write

ROOT = Path(__file__).resolve().parents[3]


def test_the_committed_registry_matches_every_declared_event_type() -> None:
    """A struct changed incompatibly, a new event type, a stale schema: `ossature schemas
    check` says which, and so does this test."""
    assert [] == [str(problem) for problem in check(declared(), ROOT)]


def test_every_module_declares_some_event_and_each_has_its_current_version_committed() -> None:
    """The registry holds a file for each declared type's current version."""
    types = declared()
    assert (True, True) == (
        len(types) > 40,
        all(schema_file(ROOT, t.name, t.version).is_file() for t in types),
    )


class Before(Event, frozen=True):
    name = "thing-happened"

    thing_id: str
    label: str
    count: int = 0
    size: Annotated[int, msgspec.Meta(le=10)] = 0


def _schema(event_type: type[Event]) -> dict[str, object]:
    return msgspec.json.schema(event_type)


class WithDefault(Event, frozen=True):
    name = "thing-happened"

    thing_id: str
    label: str
    count: int = 0
    size: Annotated[int, msgspec.Meta(le=10)] = 0
    colour: str = "blue"


class Widened(Event, frozen=True):
    name = "thing-happened"

    thing_id: str
    label: str | None
    count: float = 0
    size: Annotated[int, msgspec.Meta(le=100)] = 0


class Renamed(Event, frozen=True):
    name = "thing-happened"

    thing_id: str
    title: str
    count: int = 0
    size: Annotated[int, msgspec.Meta(le=10)] = 0


class Retyped(Event, frozen=True):
    name = "thing-happened"

    thing_id: int
    label: str
    count: int = 0
    size: Annotated[int, msgspec.Meta(le=10)] = 0


class NewRequired(Event, frozen=True, kw_only=True):
    name = "thing-happened"

    thing_id: str
    label: str
    count: int = 0
    size: Annotated[int, msgspec.Meta(le=10)] = 0
    colour: str


class Tightened(Event, frozen=True):
    name = "thing-happened"

    thing_id: str
    label: str
    count: int
    size: Annotated[int, msgspec.Meta(le=5)] = 0


class Dropped(Event, frozen=True):
    name = "thing-happened"

    thing_id: str
    label: str
    size: Annotated[int, msgspec.Meta(le=10)] = 0


@pytest.mark.parametrize("after", [Before, WithDefault, Widened])
def test_a_field_added_with_a_default_or_a_widened_type_is_compatible(
    after: type[Event],
) -> None:
    """Every payload the old struct wrote still decodes into these."""
    assert [] == incompatibilities(_schema(Before), _schema(after))


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (Renamed, ["field label was removed", "field title was added without a default"]),
        (Retyped, ["field thingId changed type from string to integer"]),
        (NewRequired, ["field colour was added without a default"]),
        (
            Tightened,
            [
                "field count was optional and is now required",
                "field size is narrowed: maximum 10 -> 5",
            ],
        ),
        (Dropped, ["field count was removed"]),
    ],
)
def test_a_rename_a_type_change_a_new_required_field_or_a_removal_is_refused(
    after: type[Event], expected: list[str]
) -> None:
    """Each would refuse, or silently lose, some payload the old struct wrote."""
    assert expected == incompatibilities(_schema(Before), _schema(after))


class Part(msgspec.Struct, frozen=True, rename="camel"):
    weight: int


class WithParts(Event, frozen=True):
    name = "parts-listed"

    parts: list[Part]


class OtherPart(msgspec.Struct, frozen=True, rename="camel"):
    weight: str


class WithOtherParts(Event, frozen=True):
    name = "parts-listed"

    parts: list[OtherPart]


def test_a_change_inside_a_nested_struct_is_refused_with_its_path() -> None:
    """The fields of structs held in a list are checked as the top level's are."""
    expected = ["field parts[].weight changed type from integer to string"]
    assert expected == incompatibilities(_schema(WithParts), _schema(WithOtherParts))


def test_a_new_event_type_without_a_committed_schema_is_refused(tmp_path: Path) -> None:
    """A new type forces `ossature schemas write`; once written, the check passes."""
    before = [str(p) for p in check([Before], tmp_path)]
    written, refused = write([Before], tmp_path)
    assert (before, len(written), refused, check([Before], tmp_path)) == (
        [
            "thing-happened: no committed schema schemas/events/thing-happened/v1.json:"
            " run `ossature schemas write`"
        ],
        1,
        [],
        [],
    )


def test_write_refuses_an_incompatible_change_and_leaves_the_committed_schema(
    tmp_path: Path,
) -> None:
    """`schemas write` cannot be used to paper over a rename: the file stays as committed."""
    write([Before], tmp_path)
    committed = schema_file(tmp_path, "thing-happened", 1).read_text("utf-8")
    written, refused = write([Renamed], tmp_path)
    after = schema_file(tmp_path, "thing-happened", 1).read_text("utf-8")
    assert ([], 2, committed) == (written, len(refused), after)


def test_a_compatible_change_not_yet_written_is_out_of_date(tmp_path: Path) -> None:
    """The registry must say what the code says, even when the change is compatible."""
    write([Before], tmp_path)
    assert ["out of date"] == [
        "out of date" for p in check([WithDefault], tmp_path) if "out of date" in p.message
    ]


def _renamed_from_v1(payload: dict[str, object]) -> dict[str, object]:
    rest = {k: v for k, v in payload.items() if k != "label"}
    return rest | {"title": payload["label"]}


class RenamedV2(Event, frozen=True):
    name = "thing-happened"
    version = 2
    upcasters = {1: _renamed_from_v1}

    thing_id: str
    title: str
    count: int = 0
    size: Annotated[int, msgspec.Meta(le=10)] = 0


class RenamedV2WithoutUpcaster(Event, frozen=True):
    name = "thing-happened"
    version = 2

    thing_id: str
    title: str


def test_a_new_version_with_its_upcaster_is_accepted_and_keeps_the_old_file(
    tmp_path: Path,
) -> None:
    """The rename is fine at version 2: v2.json is written beside the untouched v1.json."""
    write([Before], tmp_path)
    v1 = schema_file(tmp_path, "thing-happened", 1).read_text("utf-8")
    written, refused = write([RenamedV2], tmp_path)
    assert ([schema_file(tmp_path, "thing-happened", 2)], [], [], v1) == (
        written,
        refused,
        check([RenamedV2], tmp_path),
        schema_file(tmp_path, "thing-happened", 1).read_text("utf-8"),
    )


def test_a_new_version_without_an_upcaster_is_refused(tmp_path: Path) -> None:
    """Stored v1 payloads would have no way to the new shape."""
    write([Before], tmp_path)
    write([RenamedV2WithoutUpcaster], tmp_path)
    assert ["thing-happened: version 2 has no upcaster from version 1"] == [
        str(p) for p in check([RenamedV2WithoutUpcaster], tmp_path)
    ]


def test_a_schema_of_a_type_no_module_declares_is_refused(tmp_path: Path) -> None:
    """Removing an event type would leave its stored events undecodable."""
    write([Before, WithParts], tmp_path)
    assert ["parts-listed"] == [p.event_type for p in check([Before], tmp_path)]
