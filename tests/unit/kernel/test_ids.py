import multiprocessing
import random
import re
import string
import time
from collections.abc import Callable

from ulid import ULID

from ossature.kernel.ids import is_ulid, new_id, new_trace_id


def _fifty_made(make: Callable[[], str], queue: "multiprocessing.Queue[list[str]]") -> None:
    queue.put([make() for _ in range(50)])


def _in_a_forked_child(make: Callable[[], str]) -> list[str]:
    """Fifty values `make` makes in a child forked from this process."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_fifty_made, args=(make, queue))
    child.start()
    made = queue.get(timeout=30)
    child.join(timeout=30)
    return made


def test_ids_are_unique_ulids_in_creation_order() -> None:
    """Ten thousand ids, more than two blocks of entropy: all distinct ULIDs, in order."""
    ids = [new_id() for _ in range(10_000)]
    expected = (10_000, True, ids)

    actual = (len(set(ids)), all(is_ulid(i) for i in ids), sorted(ids))

    assert expected == actual


def test_an_id_is_the_ulid_library_s_text_for_a_value_of_this_millisecond() -> None:
    """The text is written in C: it must read back as the same value, in upper case, stamped
    with the millisecond it was made in."""
    before = time.time_ns() // 1_000_000
    ids = [new_id() for _ in range(1_000)]
    after = time.time_ns() // 1_000_000
    expected = (ids, [True] * 1_000)

    values = [ULID.from_str(i) for i in ids]
    actual = ([str(v) for v in values], [before <= v.milliseconds <= after for v in values])

    assert expected == actual


def test_a_forked_child_does_not_repeat_the_parent_s_randomness() -> None:
    """After a fork, the child draws fresh entropy: its ids share nothing with the parent's."""
    new_id()  # the parent holds a partly used block when it forks
    theirs = _in_a_forked_child(new_id)
    ours = [new_id() for _ in range(50)]
    expected: set[str] = set()

    actual = {i[10:] for i in ours} & {i[10:] for i in theirs}  # the random parts

    assert expected == actual


def test_trace_ids_are_32_hex_digits_and_distinct() -> None:
    """W3C trace ids: 32 lowercase hex digits, not all zeros, never repeated."""
    ids = [new_trace_id() for _ in range(1_000)]
    expected = (1_000, True)

    actual = (len(set(ids)), all(re.fullmatch(r"[0-9a-f]{32}", i) and i.strip("0") for i in ids))

    assert expected == actual


def test_a_forked_child_makes_other_trace_ids_than_its_parent() -> None:
    """Trace ids come from `random`, which a forked child reseeds: the child's next ids are
    not the ones the parent makes next from the same state."""
    theirs = _in_a_forked_child(new_trace_id)
    ours = [new_trace_id() for _ in range(50)]
    expected: set[str] = set()

    actual = set(ours) & set(theirs)

    assert expected == actual


def _parses(value: object) -> bool:
    try:
        ULID.from_str(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return False
    return True


def test_is_ulid_accepts_exactly_what_the_ulid_library_parses() -> None:
    """Fresh ids, their lower case, and near misses (a character changed for any ASCII one
    or a look-alike, one too few or too many, spaces, a first character over 7): the check
    agrees with `ULID.from_str` on every one."""
    chance = random.Random(4)
    look_alikes = "\uff17\u017f"  # a full-width 7, a long s
    alphabet = string.ascii_letters + string.digits + " \n-_." + look_alikes
    values: list[object] = [
        None,
        42,
        "",
        "7ZZZZZZZZZZZZZZZZZZZZZZZZZ",
        "80000000000000000000000000",
    ]
    for ulid in (new_id() for _ in range(300)):
        spot = chance.randrange(26)
        values += [ulid, ulid.lower(), ulid[:-1], ulid + "0", f" {ulid}", f"{ulid}\n"]
        values.append(ulid[:spot] + chance.choice(alphabet) + ulid[spot + 1 :])
    expected = [_parses(value) for value in values]

    actual = [is_ulid(value) for value in values]  # type: ignore[arg-type]

    assert expected == actual
    assert 300 < sum(actual) < len(values)  # both answers were exercised
