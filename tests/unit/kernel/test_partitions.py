"""A tenant's partition, as NATS's `partition(n, …)` computes it, and the partitions that
stored subjects name."""

from __future__ import annotations

from ossature.kernel.relay import PARTITIONS, filter_of, partition_of, partitions_of


def test_a_partition_is_the_fnv_1a_hash_of_the_tenant_modulo_the_count() -> None:
    """FNV-1a (32 bits) of the UTF-8 bytes, per its published test vectors, modulo the count."""
    vectors = {"": 0x811C9DC5, "a": 0xE40C292C, "foobar": 0xBF9CF968}
    assert {t: h % PARTITIONS for t, h in vectors.items()} == {t: partition_of(t) for t in vectors}


def test_every_partition_is_in_range_and_a_tenant_keeps_its_own() -> None:
    """Partitions fall in 0..PARTITIONS-1 and depend on the tenant alone."""
    tenants = [f"tenant-{n}" for n in range(1000)]
    found = [partition_of(t) for t in tenants]
    assert set(range(PARTITIONS)) == set(found)
    assert found == [partition_of(t) for t in tenants]


def test_stored_subjects_name_their_partitions() -> None:
    """A stored subject names its partition after `ossature.events`."""
    subjects = ["ossature.events.3.t1.project.project-created", "ossature.events.11.t2.a.b"]
    assert frozenset({3, 11}) == partitions_of(subjects)


def test_a_subject_stored_before_partitions_rings_for_every_partition() -> None:
    """A subject with no partition (stored before partitions were) may be any tenant's."""
    subjects = ["ossature.events.3.t1.project.project-created", "ossature.events.2.a.b"]
    assert frozenset(range(PARTITIONS)) == partitions_of(subjects)


def test_a_consumer_filter_names_the_stored_form_of_a_subject() -> None:
    """Filters skip the partition and the tenant: any of them, one event type."""
    expected = ["ossature.events.*.*.*.project-created", "ossature.events.*.*.account.a-b"]
    assert expected == [filter_of("project-created"), filter_of("a-b", "account")]
