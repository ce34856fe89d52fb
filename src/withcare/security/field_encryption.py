"""Envelope encryption of sensitive free text, with crypto-shredding and online key rotation (P6).

Why this shape:

* **Per-person data keys** (AES-256-GCM) encrypt that person's fields. Destroying one person's data
  key makes every copy of their ciphertext unreadable, including copies in backups: erasure that
  reaches places a ``DELETE`` cannot (crypto-shredding).
* **A service key wraps the data keys** (AES-256-GCM again). Service keys live outside the
  database (environment, secrets manager, HSM); the database only holds *wrapped* data keys, each
  labelled with the id of the service key that wrapped it.
* **Rotation re-wraps, it never re-encrypts**: :meth:`FieldCipher.rotate` unwraps each data key with
  its old service key and wraps it with the new one, one row at a time with a conditional update.
  Reads keep working throughout because every wrapped key says which service key opens it; the old
  key may be removed once :meth:`FieldCipher.keys_wrapped_by` reports zero.
* **Associated data binds a ciphertext to its place** (person, record type, record id, field):
  a ciphertext copied into another person's record or another field fails to decrypt, as does any
  tampering with the bytes.

Storage is passed in through two small protocols (:class:`ServiceKeyring`, :class:`DataKeyStore`)
so this module stays pure; :class:`InMemoryKeyring` and :class:`InMemoryDataKeyStore` serve tests
and the demo.

Exceptions::

    FieldEncryptionError
     ├── TamperedCiphertext   authentication failed: altered, truncated or moved ciphertext
     ├── DataKeyDestroyed     the person's data key was shredded (or replaced after shredding)
     └── UnknownServiceKey    a wrapped key names a service key the keyring no longer holds
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = "wc1"
"""Ciphertext format tag; a new format gets a new tag so old ciphertexts stay readable."""
KEY_BYTES = 32
NONCE_BYTES = 12


class FieldEncryptionError(Exception):
    """Base class of field-encryption errors."""


class TamperedCiphertext(FieldEncryptionError):
    """The ciphertext or its context does not authenticate."""


class DataKeyDestroyed(FieldEncryptionError):
    """The person's data key no longer exists: their ciphertexts are unreadable for good."""


class UnknownServiceKey(FieldEncryptionError):
    """A service key is missing from the keyring."""


@dataclass(frozen=True)
class FieldContext:
    """Where a ciphertext lives; authenticated with it as AES-GCM associated data."""

    record_type: str
    record_id: str
    field: str

    def associated_data(self, person_id: str) -> bytes:
        parts = (FORMAT, person_id, self.record_type, self.record_id, self.field)
        return "\x1f".join(parts).encode()


@dataclass(frozen=True)
class WrappedDataKey:
    """One row of the data-key table: a person's data key, encrypted under a service key."""

    person_id: str
    data_key_id: str
    service_key_id: str
    wrapped: bytes


class ServiceKeyring(Protocol):
    """Service keys by id, and which one wraps new data keys."""

    @property
    def current_key_id(self) -> str: ...

    def key(self, key_id: str) -> bytes:
        """Raise KeyError if unknown."""
        ...


class DataKeyStore(Protocol):
    """Where wrapped data keys are kept (in production, a database table)."""

    def get(self, person_id: str) -> WrappedDataKey | None: ...

    def add(self, key: WrappedDataKey) -> bool:
        """Insert if the person has no key yet; False if one already exists (lost a race)."""
        ...

    def replace(self, old: WrappedDataKey, new: WrappedDataKey) -> bool:
        """Conditional update: replace only if the stored row still equals ``old``."""
        ...

    def delete(self, person_id: str) -> None: ...

    def all(self) -> Iterable[WrappedDataKey]: ...


def new_key() -> bytes:
    """Fresh key material for a service key or data key."""
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def _wrap_aad(person_id: str, data_key_id: str, service_key_id: str) -> bytes:
    return "\x1f".join((FORMAT, "data-key", person_id, data_key_id, service_key_id)).encode()


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except InvalidTag:
        raise TamperedCiphertext("ciphertext does not authenticate") from None


class FieldCipher:
    """Encrypts and decrypts fields for people, given a keyring and a data-key store."""

    def __init__(self, keyring: ServiceKeyring, store: DataKeyStore) -> None:
        self._keyring = keyring
        self._store = store

    def _service_key(self, key_id: str) -> bytes:
        try:
            return self._keyring.key(key_id)
        except KeyError:
            raise UnknownServiceKey(f"service key {key_id!r} is not in the keyring") from None

    def _unwrap(self, wrapped: WrappedDataKey) -> bytes:
        aad = _wrap_aad(wrapped.person_id, wrapped.data_key_id, wrapped.service_key_id)
        return _open(self._service_key(wrapped.service_key_id), wrapped.wrapped, aad)

    def _wrap(self, person_id: str, data_key_id: str, data_key: bytes) -> WrappedDataKey:
        service_key_id = self._keyring.current_key_id
        aad = _wrap_aad(person_id, data_key_id, service_key_id)
        sealed = _seal(self._service_key(service_key_id), data_key, aad)
        return WrappedDataKey(person_id, data_key_id, service_key_id, sealed)

    def _data_key_for_writing(self, person_id: str) -> tuple[str, bytes]:
        existing = self._store.get(person_id)
        if existing is None:
            candidate = self._wrap(person_id, secrets.token_hex(8), new_key())
            self._store.add(candidate)  # if another writer won the race, use theirs
            existing = self._store.get(person_id)
            assert existing is not None
        return existing.data_key_id, self._unwrap(existing)

    def encrypt(self, person_id: str, context: FieldContext, plaintext: str) -> str:
        """A printable token: ``wc1.<data key id>.<base64 nonce+ciphertext>``."""
        data_key_id, data_key = self._data_key_for_writing(person_id)
        sealed = _seal(data_key, plaintext.encode(), context.associated_data(person_id))
        return f"{FORMAT}.{data_key_id}.{base64.urlsafe_b64encode(sealed).decode()}"

    def decrypt(self, person_id: str, context: FieldContext, token: str) -> str:
        try:
            tag, data_key_id, body = token.split(".")
            sealed = base64.urlsafe_b64decode(body.encode())
        except ValueError:
            raise TamperedCiphertext("not a Withcare field ciphertext") from None
        if tag != FORMAT or len(sealed) <= NONCE_BYTES:
            raise TamperedCiphertext("not a Withcare field ciphertext")
        wrapped = self._store.get(person_id)
        if wrapped is None or wrapped.data_key_id != data_key_id:
            raise DataKeyDestroyed(
                f"the data key this was encrypted with is gone for person {person_id!r} "
                "(erased on request): the text cannot be recovered"
            )
        plaintext = _open(self._unwrap(wrapped), sealed, context.associated_data(person_id))
        return plaintext.decode()

    def shred(self, person_id: str) -> None:
        """Destroy the person's data key: all their ciphertexts, everywhere, become unreadable."""
        self._store.delete(person_id)

    def rotate(self) -> int:
        """Re-wrap every data key not yet under the current service key; return how many.

        Safe to run while the service is up and to re-run after an interruption: each row is
        replaced only if unchanged since it was read, so a concurrent shred is never undone.
        """
        current = self._keyring.current_key_id
        rotated = 0
        for wrapped in list(self._store.all()):
            if wrapped.service_key_id == current:
                continue
            data_key = self._unwrap(wrapped)
            rewrapped = self._wrap(wrapped.person_id, wrapped.data_key_id, data_key)
            if self._store.replace(wrapped, rewrapped):
                rotated += 1
        return rotated

    def keys_wrapped_by(self, service_key_id: str) -> int:
        """How many data keys still need ``service_key_id``; retire it only at zero."""
        return sum(1 for w in self._store.all() if w.service_key_id == service_key_id)


class InMemoryKeyring:
    """Service keys held in process memory.

    Tests and the demo build it directly; a deployment loads it at start-up from its secrets store
    with :meth:`from_base64` (the keys themselves never go in the database or the repository).
    """

    def __init__(self, keys: dict[str, bytes], current_key_id: str) -> None:
        if current_key_id not in keys:
            raise ValueError("the current key must be in the keyring")
        for key_id, key in keys.items():
            if len(key) != KEY_BYTES:
                raise ValueError(f"service key {key_id!r} must be {KEY_BYTES} bytes")
        self._keys = dict(keys)
        self._current = current_key_id

    @classmethod
    def from_base64(cls, keys: dict[str, str], current_key_id: str) -> InMemoryKeyring:
        """Build from ``{key id: base64 key}``, e.g. parsed from environment or a secrets file."""
        try:
            decoded = {k: base64.b64decode(v, validate=True) for k, v in keys.items()}
        except ValueError:
            raise ValueError("service keys must be base64-encoded") from None
        return cls(decoded, current_key_id)

    @property
    def current_key_id(self) -> str:
        return self._current

    def key(self, key_id: str) -> bytes:
        return self._keys[key_id]

    def add_and_use(self, key_id: str, key: bytes) -> None:
        """Start wrapping new data keys with a new service key (step one of a rotation)."""
        self._keys[key_id] = key
        self._current = key_id

    def retire(self, key_id: str) -> None:
        if key_id == self._current:
            raise ValueError("cannot retire the current service key")
        del self._keys[key_id]


class InMemoryDataKeyStore:
    """A data-key table held in memory: for tests and the demo."""

    def __init__(self) -> None:
        self._rows: dict[str, WrappedDataKey] = {}

    def get(self, person_id: str) -> WrappedDataKey | None:
        return self._rows.get(person_id)

    def add(self, key: WrappedDataKey) -> bool:
        if key.person_id in self._rows:
            return False
        self._rows[key.person_id] = key
        return True

    def replace(self, old: WrappedDataKey, new: WrappedDataKey) -> bool:
        if self._rows.get(old.person_id) != old:
            return False
        self._rows[old.person_id] = new
        return True

    def delete(self, person_id: str) -> None:
        self._rows.pop(person_id, None)

    def all(self) -> Iterable[WrappedDataKey]:
        return list(self._rows.values())
