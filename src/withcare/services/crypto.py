"""Encrypted storage of sensitive free text for every capability: ``platform.crypto``.

Envelope encryption from :mod:`withcare.security.field_encryption`: each person has a data key,
kept in the ``data_keys`` table wrapped by a *service key*. Service keys never go in the database:
they come from ``WITHCARE_SERVICE_KEYS`` (JSON ``{"current": id, "keys": {id: base64}}``) or, by
default, from ``service_keys.json`` in the data directory (generated once, mode 0600).

The keyring file is re-read whenever it changes, so ``withcare keys rotate`` (which adds a new
current key to the file and re-wraps the data keys) needs no restart of running servers: they pick
up the new key at their next encrypt or decrypt.

Usage by other capabilities, inside their unit of work::

    token = platform.crypto.encrypt(uow, person_id, "safety_plan", plan.id, "text", text)
    text = platform.crypto.decrypt(uow, person_id, "safety_plan", plan.id, "text", token)
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from withcare.db.models import DataKeyRow
from withcare.security.field_encryption import (
    FieldCipher,
    FieldContext,
    InMemoryKeyring,
    UnknownServiceKey,
    WrappedDataKey,
    new_key,
)
from withcare.services.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from withcare.services.platform import Platform

KEYS_FILE = "service_keys.json"
ENV_KEYS = "WITHCARE_SERVICE_KEYS"


class SqlDataKeyStore:
    """The ``DataKeyStore`` over the ``data_keys`` table, inside one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @staticmethod
    def _key(row: DataKeyRow) -> WrappedDataKey:
        return WrappedDataKey(row.person_id, row.data_key_id, row.service_key_id, row.wrapped)

    def get(self, person_id: str) -> WrappedDataKey | None:
        row = self._session.get(DataKeyRow, person_id)
        return self._key(row) if row is not None else None

    def add(self, key: WrappedDataKey) -> bool:
        if self._session.get(DataKeyRow, key.person_id) is not None:
            return False
        self._session.add(
            DataKeyRow(
                person_id=key.person_id,
                data_key_id=key.data_key_id,
                service_key_id=key.service_key_id,
                wrapped=key.wrapped,
            )
        )
        self._session.flush()
        return True

    def replace(self, old: WrappedDataKey, new: WrappedDataKey) -> bool:
        result = self._session.execute(
            update(DataKeyRow)
            .where(
                DataKeyRow.person_id == old.person_id,
                DataKeyRow.data_key_id == old.data_key_id,
                DataKeyRow.service_key_id == old.service_key_id,
            )
            .values(service_key_id=new.service_key_id, wrapped=new.wrapped)
            .execution_options(synchronize_session="fetch")
        )
        return bool(getattr(result, "rowcount", 0))

    def delete(self, person_id: str) -> None:
        self._session.execute(
            delete(DataKeyRow)
            .where(DataKeyRow.person_id == person_id)
            .execution_options(synchronize_session="fetch")
        )

    def all(self) -> Iterable[WrappedDataKey]:
        return [self._key(r) for r in self._session.execute(select(DataKeyRow)).scalars()]


@dataclass(frozen=True)
class KeyringFile:
    current: str
    keys: dict[str, str]  # id -> base64

    def to_json(self) -> str:
        return json.dumps({"current": self.current, "keys": self.keys}, indent=2)

    @classmethod
    def parse(cls, text: str) -> KeyringFile:
        data = json.loads(text)
        keys = {str(k): str(v) for k, v in dict(data["keys"]).items()}
        current = str(data["current"])
        if current not in keys:
            raise ValueError("the current service key is not among the keys")
        return cls(current, keys)


def _write_private(path: Path, text: str) -> None:
    """Write atomically with mode 0600 (the file holds the service keys)."""
    temporary = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def new_key_id() -> str:
    return "sk-" + secrets.token_hex(6)


class CryptoService:
    """``encrypt``/``decrypt`` of one field, ``rotate`` and ``shred``; the keyring is reloaded
    when its file changes."""

    def __init__(self, platform: Platform) -> None:
        self._platform = platform
        self._lock = threading.Lock()
        self._loaded: tuple[tuple[int, int] | None, InMemoryKeyring] | None = None

    # -- the keyring ----------------------------------------------------------------------------
    @property
    def keys_path(self) -> Path:
        return self._platform.settings.data_dir / KEYS_FILE

    def _read(self) -> KeyringFile:
        env = os.environ.get(ENV_KEYS)
        if env:
            return KeyringFile.parse(env)
        path = self.keys_path
        if not path.exists():
            key_id = new_key_id()
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first
                return KeyringFile.parse(path.read_text(encoding="utf-8"))
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(
                    KeyringFile(key_id, {key_id: base64.b64encode(new_key()).decode()}).to_json()
                )
        return KeyringFile.parse(path.read_text(encoding="utf-8"))

    def _stamp(self) -> tuple[int, int] | None:
        if os.environ.get(ENV_KEYS) or not self.keys_path.exists():
            return None
        stat = self.keys_path.stat()
        return stat.st_mtime_ns, stat.st_size

    def keyring(self, *, reload: bool = False) -> InMemoryKeyring:
        """The service keys, re-read whenever the keyring file changes (or when asked)."""
        with self._lock:
            stamp = self._stamp()
            if reload or self._loaded is None or stamp is None or self._loaded[0] != stamp:
                data = self._read()
                self._loaded = (self._stamp(), InMemoryKeyring.from_base64(data.keys, data.current))
            return self._loaded[1]

    def cipher(self, uow: UnitOfWork) -> FieldCipher:
        return FieldCipher(self.keyring(), SqlDataKeyStore(uow.session))

    # -- fields ---------------------------------------------------------------------------------
    def encrypt(
        self,
        uow: UnitOfWork,
        person_id: str,
        record_type: str,
        record_id: str,
        field: str,
        text: str,
    ) -> str:
        """An authenticated ciphertext token bound to person, record and field."""
        context = FieldContext(record_type, record_id, field)
        return self._with_cipher(uow, lambda cipher: cipher.encrypt(person_id, context, text))

    def decrypt(
        self,
        uow: UnitOfWork,
        person_id: str,
        record_type: str,
        record_id: str,
        field: str,
        token: str,
    ) -> str:
        """The text; raises ``DataKeyDestroyed`` after erasure, ``TamperedCiphertext`` if moved."""
        context = FieldContext(record_type, record_id, field)
        return self._with_cipher(uow, lambda cipher: cipher.decrypt(person_id, context, token))

    def _with_cipher(self, uow: UnitOfWork, use: Callable[[FieldCipher], str]) -> str:
        try:
            return use(self.cipher(uow))
        except UnknownServiceKey:
            # a rotation elsewhere added (or re-wrapped this key with) a service key we have not
            # loaded yet: read the keyring again and retry once
            return use(FieldCipher(self.keyring(reload=True), SqlDataKeyStore(uow.session)))

    def shred(self, uow: UnitOfWork, person_id: str) -> None:
        self.cipher(uow).shred(person_id)

    # -- rotation -------------------------------------------------------------------------------
    def add_service_key(self) -> str:
        """Add a new service key to the keyring file and make it current; return its id."""
        if os.environ.get(ENV_KEYS):
            raise ValueError(
                f"the service keys come from {ENV_KEYS}; add the new key in your secrets store "
                "(make it current, keep the old one) and run the rotation again"
            )
        data = self._read()
        key_id = new_key_id()
        keys = {**data.keys, key_id: base64.b64encode(new_key()).decode()}
        _write_private(self.keys_path, KeyringFile(key_id, keys).to_json())
        return key_id

    def rewrap(self, batch: int = 500) -> int:
        """Re-wrap every data key not under the current service key, in short transactions."""
        total = 0
        keyring = self.keyring()
        while True:
            with self._platform.unit_of_work(None) as uow:
                store = SqlDataKeyStore(uow.session)
                stale = list(
                    uow.session.execute(
                        select(DataKeyRow)
                        .where(DataKeyRow.service_key_id != keyring.current_key_id)
                        .limit(batch)
                    ).scalars()
                )
                if not stale:
                    return total
                cipher = FieldCipher(keyring, _Only([store._key(r) for r in stale], store))
                done = cipher.rotate()
                if done == 0:  # every row of the batch changed underneath us: try next time
                    return total
                total += done

    def retire_unused(self) -> list[str]:
        """Drop old service keys no data key needs any more; return their ids."""
        if os.environ.get(ENV_KEYS):
            return []
        data = self._read()
        with self._platform.unit_of_work(None) as uow:
            used = set(uow.session.execute(select(DataKeyRow.service_key_id)).scalars())
        retired = [k for k in data.keys if k != data.current and k not in used]
        if retired:
            keys = {k: v for k, v in data.keys.items() if k not in retired}
            _write_private(self.keys_path, KeyringFile(data.current, keys).to_json())
        return retired

    def keys_in_use(self) -> dict[str, int]:
        with self._platform.unit_of_work(None) as uow:
            counts: dict[str, int] = {}
            for key_id in uow.session.execute(select(DataKeyRow.service_key_id)).scalars():
                counts[key_id] = counts.get(key_id, 0) + 1
            return counts


class _Only:
    """A store view limited to one batch of rows (so a rotation pass stays a short transaction)."""

    def __init__(self, rows: list[WrappedDataKey], store: SqlDataKeyStore) -> None:
        self._rows = rows
        self._store = store

    def get(self, person_id: str) -> WrappedDataKey | None:
        return self._store.get(person_id)

    def add(self, key: WrappedDataKey) -> bool:
        return self._store.add(key)

    def replace(self, old: WrappedDataKey, new: WrappedDataKey) -> bool:
        return self._store.replace(old, new)

    def delete(self, person_id: str) -> None:
        self._store.delete(person_id)

    def all(self) -> Iterable[WrappedDataKey]:
        return list(self._rows)
