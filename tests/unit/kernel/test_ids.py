import multiprocessing
import re

from ossature.kernel.ids import is_ulid, new_id, new_trace_id


def _ids_in_child(queue: "multiprocessing.Queue[list[str]]") -> None:
    queue.put([new_id() for _ in range(50)])


def test_ids_are_unique_ulids_in_creation_order() -> None:
    """Ten thousand ids, more than two blocks of entropy: all distinct ULIDs, in order."""
    ids = [new_id() for _ in range(10_000)]
    expected = (10_000, True, ids)

    actual = (len(set(ids)), all(is_ulid(i) for i in ids), sorted(ids))

    assert expected == actual


def test_a_forked_child_does_not_repeat_the_parent_s_randomness() -> None:
    """After a fork, the child draws fresh entropy: its ids share nothing with the parent's."""
    new_id()  # the parent holds a partly used block when it forks
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_ids_in_child, args=(queue,))
    child.start()
    theirs = queue.get(timeout=30)
    child.join(timeout=30)
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
