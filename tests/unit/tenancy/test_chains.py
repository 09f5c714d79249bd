from ossature.modules.tenancy import MODULE
from ossature.modules.tenancy.chains import CHAIN_EVENTS, FOLDERLESS_EVENTS, FolderChains


def test_no_tenancy_event_can_change_a_remembered_chain() -> None:
    """The chain cache is right only while folders never move: a new folder event must
    come with its invalidation (see tenancy/chains.py)."""
    expected = CHAIN_EVENTS | FOLDERLESS_EVENTS

    actual = frozenset(event.name for event in MODULE.events)

    assert expected == actual


def test_a_chain_is_remembered_per_tenant() -> None:
    """The same folder id in another tenant is another entry."""
    chains = FolderChains()
    chains.remember("acme", "eu", ["eu", "global"])
    expected = (("eu", "global"), None)

    actual = (chains.get("acme", "eu"), chains.get("globex", "eu"))

    assert expected == actual


def test_the_oldest_chain_goes_first_when_full() -> None:
    """A full cache forgets its oldest entry, and never grows past its size."""
    chains = FolderChains(size=2)
    for folder in ("a", "b", "c"):
        chains.remember("acme", folder, [folder])
    expected = (2, None, ("c",))

    actual = (len(chains), chains.get("acme", "a"), chains.get("acme", "c"))

    assert expected == actual
