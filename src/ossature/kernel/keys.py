"""Personal data sealed with its person's own key, so that forgetting the person is deleting a
key (decision 89).

Three keys, each wrapped by the next:

- a **data key** per subject (a person: an account), which seals the subject's personal fields
  (AES-256-GCM, bound to the tenant and the subject); kept in `personal_keys` only wrapped;
- a **tenant key** per tenant, which wraps its subjects' data keys; kept in `tenant_keys` only
  wrapped; `rotate` makes a new one and re-wraps the data keys, never touching sealed data;
- the deployment's **master key**, which wraps tenant keys: a file under the secrets folder by
  default (`FileMasterKey`), a KMS in production behind the same small `MasterKey` interface.

A sealed value is text, `pd1.<subject>.<base64url(nonce | ciphertext)>`: it travels in events,
read models and JetStream as it is. `forget` clears the subject's wrapped key for good: from then
on `open` answers FORGOTTEN for every value the subject's key sealed, wherever it lies, and
`seal` refuses the subject.

Every method runs on the caller's connection, in a transaction confined to the tenant (row-level
security): a seal in a command's transaction creates the subject's key with its events.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Sequence
from typing import Any, Protocol, TypeGuard

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "FORGOTTEN",
    "FileMasterKey",
    "Forgotten",
    "MasterKey",
    "MasterKeys",
    "PersonalKeys",
    "is_sealed",
    "rewrap_tenant_key",
    "subject_of",
]

FORGOTTEN = "[forgotten]"
"""What a personal field reads as once its subject was forgotten."""

_PREFIX = "pd1"
_CURRENT = {
    lock: f"select version, wrapped from tenant_keys where tenant_id = $1 {lock}"  # noqa: S608
    for lock in ("for share", "for update")
}
_NONCE = 12


class Forgotten(Exception):
    """The subject was forgotten: nothing may be sealed for it any more."""

    def __init__(self, subject_id: str) -> None:
        super().__init__(f"subject {subject_id} was forgotten")
        self.subject_id = subject_id


class MasterKey(Protocol):
    """The deployment's master key, which wraps each tenant's key. A KMS fits behind it."""

    @property
    def key_id(self) -> str:
        """Names the key, stored beside what it wrapped (a KMS key's id or alias)."""
        ...

    async def wrap(self, tenant_id: str, key: bytes) -> bytes:
        """`key` wrapped for `tenant_id` (the tenant is bound: it unwraps for no other)."""
        ...

    async def unwrap(self, tenant_id: str, wrapped: bytes) -> bytes:
        """The key `wrap` wrapped for `tenant_id`."""
        ...


class FileMasterKey:
    """A 32-byte master key read from a file of the secrets folder (AES-256-GCM)."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)
        self._key_id = "file:" + hashlib.sha256(b"ossature master key id\n" + key).hexdigest()[:16]

    @property
    def key_id(self) -> str:
        return self._key_id

    async def wrap(self, tenant_id: str, key: bytes) -> bytes:
        return _encrypt(self._aead, key, _bound("tenant-key", tenant_id))

    async def unwrap(self, tenant_id: str, wrapped: bytes) -> bytes:
        return _decrypt(self._aead, wrapped, _bound("tenant-key", tenant_id))


def is_sealed(value: object) -> TypeGuard[str]:
    """True when `value` is a sealed personal value (not plain text, not FORGOTTEN)."""
    return isinstance(value, str) and value.startswith(_PREFIX + ".")


def subject_of(sealed: str) -> str:
    """The subject whose key sealed `sealed`."""
    return sealed.split(".", 2)[1]


class PersonalKeys:
    """Seals, opens and forgets personal values; rotates tenant keys."""

    def __init__(self, master: MasterKey) -> None:
        self.master = master
        # Unwrapped tenant keys by (tenant, version, wrapped): a wrapped key is never written
        # twice (its nonce is random), so a kept key is never stale, even one read or made in
        # a transaction that then rolled back (a repeated rotation, a refused command).
        self._tenant_keys: dict[tuple[str, int, bytes], AESGCM] = {}

    async def seal(self, conn: Any, tenant_id: str, subject_id: str, text: str) -> str:
        """`text` sealed with the subject's data key, made in this transaction if new; Forgotten
        once the subject was forgotten."""
        (sealed,) = await self.seal_many(conn, tenant_id, subject_id, [text])
        return sealed

    async def seal_many(
        self, conn: Any, tenant_id: str, subject_id: str, texts: Sequence[str]
    ) -> list[str]:
        """Each of `texts` sealed with the subject's data key (see `seal`)."""
        data_key = AESGCM(await self._data_key(conn, tenant_id, subject_id))
        binding = _bound("personal", tenant_id, subject_id)
        return [
            f"{_PREFIX}.{subject_id}.{_b64(_encrypt(data_key, text.encode(), binding))}"
            for text in texts
        ]

    async def open(self, conn: Any, tenant_id: str, value: str) -> str:
        """The text of a sealed value, FORGOTTEN once its subject was; plain text as it is."""
        (opened,) = await self.open_many(conn, tenant_id, [value])
        assert opened is not None
        return opened

    async def open_many(
        self, conn: Any, tenant_id: str, values: Sequence[str | None]
    ) -> list[str | None]:
        """`open` for many values, reading every subject's key in one statement."""
        subjects = sorted({subject_of(v) for v in values if is_sealed(v)})
        if not subjects:
            return list(values)
        rows = await conn.fetch(
            "select p.subject_id, p.wrapped, p.tenant_key_version, t.version, t.wrapped as kek"
            " from personal_keys p join tenant_keys t using (tenant_id)"
            " where p.tenant_id = $1 and p.subject_id = any($2::text[])",
            tenant_id,
            subjects,
        )
        data_keys: dict[str, AESGCM] = {}
        for row in rows:
            if row["wrapped"] is None:
                continue
            kek = await self._tenant_key(tenant_id, row["version"], row["kek"])
            binding = _bound("data-key", tenant_id, row["subject_id"])
            data_keys[row["subject_id"]] = AESGCM(_decrypt(kek, row["wrapped"], binding))
        return [_open(data_keys, tenant_id, value) for value in values]

    async def forget(self, conn: Any, tenant_id: str, subject_id: str) -> bool:
        """Clear the subject's data key for good; True when it held one until now. A subject
        with no key yet is marked forgotten too, so that nothing is ever sealed for it."""
        held = await conn.fetchval(
            "update personal_keys set wrapped = null, forgotten_at = now()"
            " where tenant_id = $1 and subject_id = $2 and wrapped is not null returning true",
            tenant_id,
            subject_id,
        )
        if not held:
            await conn.execute(
                "insert into personal_keys (tenant_id, subject_id, wrapped, tenant_key_version,"
                " forgotten_at) values ($1, $2, null, 0, now()) on conflict do nothing",
                tenant_id,
                subject_id,
            )
        return bool(held)

    async def rotate(self, conn: Any, tenant_id: str) -> tuple[int, int]:
        """A new tenant key, every live data key re-wrapped with it, in the caller's transaction
        (sealed values are left as they are): the new version, and how many keys were re-wrapped.
        Seals of the tenant wait for it, and it for them (the tenant key's row lock)."""
        version, kek = await self._current(conn, tenant_id, lock="for update")
        new_key = AESGCM.generate_key(bit_length=256)
        new_kek = AESGCM(new_key)
        rows = await conn.fetch(
            "select subject_id, wrapped from personal_keys"
            " where tenant_id = $1 and wrapped is not null",
            tenant_id,
        )
        subjects = [row["subject_id"] for row in rows]
        rewrapped = []
        for row in rows:
            binding = _bound("data-key", tenant_id, row["subject_id"])
            rewrapped.append(_encrypt(new_kek, _decrypt(kek, row["wrapped"], binding), binding))
        await conn.execute(
            "update personal_keys k set wrapped = x.wrapped, tenant_key_version = $2"
            " from unnest($3::text[], $4::bytea[]) as x(subject_id, wrapped)"
            " where k.tenant_id = $1 and k.subject_id = x.subject_id",
            tenant_id,
            version + 1,
            subjects,
            rewrapped,
        )
        wrapped = await self.master.wrap(tenant_id, new_key)
        await conn.execute(
            "update tenant_keys set version = $2, wrapped = $3, master_key_id = $4,"
            " rotated_at = now() where tenant_id = $1",
            tenant_id,
            version + 1,
            wrapped,
            self.master.key_id,
        )
        self._tenant_keys[(tenant_id, version + 1, wrapped)] = new_kek
        return version + 1, len(rows)

    async def _data_key(self, conn: Any, tenant_id: str, subject_id: str) -> bytes:
        # The tenant key's row is held for share until the transaction ends: a rotation waits
        # for this seal, so no data key is ever wrapped with a tenant key it replaced.
        version, kek = await self._current(conn, tenant_id, lock="for share")
        binding = _bound("data-key", tenant_id, subject_id)
        row = await conn.fetchrow(
            "select wrapped from personal_keys where tenant_id = $1 and subject_id = $2",
            tenant_id,
            subject_id,
        )
        if row is None:
            data_key = AESGCM.generate_key(bit_length=256)
            inserted = await conn.fetchval(
                "insert into personal_keys (tenant_id, subject_id, wrapped, tenant_key_version)"
                " values ($1, $2, $3, $4) on conflict do nothing returning true",
                tenant_id,
                subject_id,
                _encrypt(kek, data_key, binding),
                version,
            )
            if inserted:
                return data_key
            return await self._data_key(conn, tenant_id, subject_id)  # made meanwhile
        if row["wrapped"] is None:
            raise Forgotten(subject_id)
        return _decrypt(kek, row["wrapped"], binding)

    async def _current(self, conn: Any, tenant_id: str, lock: str) -> tuple[int, AESGCM]:
        """The tenant key's version and key, made when the tenant has none, its row locked."""
        row = await conn.fetchrow(_CURRENT[lock], tenant_id)
        if row is None:
            await conn.execute(
                "insert into tenant_keys (tenant_id, version, wrapped, master_key_id)"
                " values ($1, 1, $2, $3) on conflict do nothing",
                tenant_id,
                await self.master.wrap(tenant_id, AESGCM.generate_key(bit_length=256)),
                self.master.key_id,
            )
            return await self._current(conn, tenant_id, lock)
        return row["version"], await self._tenant_key(tenant_id, row["version"], row["wrapped"])

    async def _tenant_key(self, tenant_id: str, version: int, wrapped: bytes) -> AESGCM:
        key = self._tenant_keys.get((tenant_id, version, bytes(wrapped)))
        if key is None:
            key = AESGCM(await self.master.unwrap(tenant_id, wrapped))
            self._tenant_keys[(tenant_id, version, bytes(wrapped))] = key
        return key


def _open(data_keys: dict[str, AESGCM], tenant_id: str, value: str | None) -> str | None:
    if not is_sealed(value):
        return value
    assert value is not None
    _, subject_id, body = value.split(".", 2)
    data_key = data_keys.get(subject_id)
    if data_key is None:
        return FORGOTTEN
    binding = _bound("personal", tenant_id, subject_id)
    return _decrypt(
        data_key, base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)), binding
    ).decode()


def _bound(*parts: str) -> bytes:
    return "\x00".join(("ossature", _PREFIX, *parts)).encode()


def _encrypt(aead: AESGCM, data: bytes, binding: bytes) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + aead.encrypt(nonce, data, binding)


def _decrypt(aead: AESGCM, sealed: bytes, binding: bytes) -> bytes:
    try:
        return aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], binding)
    except InvalidTag:
        raise ValueError("a key or sealed value does not belong where it was found") from None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class MasterKeys:
    """The master keys while the master key is rotated (decision 90): wraps with the newest,
    unwraps with whichever wrapped (each is bound to its tenant and authenticated, so a key
    that did not wrap it fails and the next is tried)."""

    def __init__(self, current: MasterKey, *previous: MasterKey) -> None:
        self.current = current
        self.previous = previous

    @property
    def key_id(self) -> str:
        return self.current.key_id

    async def wrap(self, tenant_id: str, key: bytes) -> bytes:
        return await self.current.wrap(tenant_id, key)

    async def unwrap(self, tenant_id: str, wrapped: bytes) -> bytes:
        for master in (self.current, *self.previous):
            try:
                return await master.unwrap(tenant_id, wrapped)
            except ValueError:
                continue
        raise ValueError("no master key opens the tenant's key")


async def rewrap_tenant_key(conn: Any, tenant_id: str, old: MasterKey, new: MasterKey) -> bool:
    """The tenant's key unwrapped by `old` and wrapped by `new`, in the caller's transaction
    confined to the tenant; False when the tenant has no key yet. The tenant key and its
    version stay as they are: nothing it wrapped is touched (decision 90)."""
    row = await conn.fetchrow(_CURRENT["for update"], tenant_id)
    if row is None:
        return False
    key = await old.unwrap(tenant_id, row["wrapped"])
    await conn.execute(
        "update tenant_keys set wrapped = $2, master_key_id = $3 where tenant_id = $1",
        tenant_id,
        await new.wrap(tenant_id, key),
        new.key_id,
    )
    return True
