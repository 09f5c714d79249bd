import pytest

from ossature.modules.identity._passwords import PasswordHasher

PEPPER = b"a-server-side-pepper-of-32-bytes"
OTHER_PEPPER = b"another-pepper-of-thirty-two-b!!"


@pytest.fixture(scope="module")
def hasher() -> PasswordHasher:
    return PasswordHasher(PEPPER)


@pytest.fixture(scope="module")
def stored(hasher: PasswordHasher) -> str:
    return hasher.hash("correct horse battery staple")


def test_a_hashed_password_verifies(hasher: PasswordHasher, stored: str) -> None:
    """The password that was hashed verifies against its hash."""
    expected = True

    actual = hasher.verify(stored, "correct horse battery staple")

    assert expected == actual


def test_a_wrong_password_does_not_verify(hasher: PasswordHasher, stored: str) -> None:
    """Another password does not verify against the hash."""
    expected = False

    actual = hasher.verify(stored, "correct horse battery stapler")

    assert expected == actual


def test_a_hash_made_with_another_pepper_does_not_verify(hasher: PasswordHasher) -> None:
    """The pepper is part of the hash: the right password under another pepper fails."""
    stored_elsewhere = PasswordHasher(OTHER_PEPPER).hash("correct horse battery staple")
    expected = False

    actual = hasher.verify(stored_elsewhere, "correct horse battery staple")

    assert expected == actual


@pytest.mark.parametrize(
    "malformed",
    ["", "not a hash", "$argon2id$v=19$m=19456,t=2,p=1$", "$argon2id$v=19$m=19456,t=2,p=1$é$é"],
)
def test_a_malformed_hash_does_not_verify(hasher: PasswordHasher, malformed: str) -> None:
    """A malformed stored hash gives False rather than an exception."""
    expected = False

    actual = hasher.verify(malformed, "correct horse battery staple")

    assert expected == actual


def test_hashes_use_argon2id_with_the_stated_parameters(stored: str) -> None:
    """The encoded hash names Argon2id v19 with m=19456 KiB, t=2, p=1."""
    expected = ("argon2id", "v=19", "m=19456,t=2,p=1")

    _, algorithm, version, parameters, _salt, _digest = stored.split("$")

    assert expected == (algorithm, version, parameters)


def test_the_same_password_hashes_differently_each_time(hasher: PasswordHasher) -> None:
    """Each hash has its own salt."""
    first = hasher.hash("same")

    second = hasher.hash("same")

    assert first != second


def test_a_hash_with_weaker_parameters_needs_a_rehash(hasher: PasswordHasher, stored: str) -> None:
    """Only a hash made with other parameters is flagged for rehashing."""
    weaker = stored.replace("m=19456,t=2,p=1", "m=8192,t=1,p=1")
    expected = (False, True)

    actual = (hasher.needs_rehash(stored), hasher.needs_rehash(weaker))

    assert expected == actual


def test_dummy_verify_returns_nothing_and_raises_nothing(hasher: PasswordHasher) -> None:
    """The dummy verification for unknown accounts completes quietly."""
    expected = None

    actual = hasher.dummy_verify()  # type: ignore[func-returns-value]

    assert expected == actual


def test_a_short_pepper_is_refused() -> None:
    """A pepper under 16 bytes is too weak to be a secret."""
    with pytest.raises(ValueError, match="pepper"):
        PasswordHasher(b"short")
