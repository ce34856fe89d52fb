"""Password hashing with argon2id (argon2-cffi's recommended parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from withcare.messages import N_

_hasher = PasswordHasher()
# A hash of a random password, checked against when the account does not exist, so that a missing
# account takes as long to refuse as a wrong password (no account enumeration by timing).
_DUMMY_HASH = _hasher.hash("withcare-no-such-account")

MIN_LENGTH = 12


class WeakPassword(ValueError):
    """The password does not meet the minimum; the message says how to fix it.

    ``msgid`` is the catalogue text and ``params`` its values, so pages can show it in the reader's
    language; ``str()`` is the English.
    """

    def __init__(self, msgid: str, params: dict[str, object] | None = None) -> None:
        self.msgid = msgid
        self.params = dict(params or {})
        super().__init__(msgid % self.params if self.params else msgid)


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(
            N_("Use at least %(min_length)s characters; a short phrase is easiest."),
            {"min_length": MIN_LENGTH},
        )
    if password.strip() != password or not password.strip():
        raise WeakPassword(N_("Do not start or end the password with spaces."))


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
