"""Password hashing with argon2id (argon2-cffi's recommended parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
# A hash of a random password, checked against when the account does not exist, so that a missing
# account takes as long to refuse as a wrong password (no account enumeration by timing).
_DUMMY_HASH = _hasher.hash("withcare-no-such-account")

MIN_LENGTH = 12


class WeakPassword(ValueError):
    """The password does not meet the minimum; the message says how to fix it."""


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Use at least {MIN_LENGTH} characters; a short phrase is easiest.")
    if password.strip() != password or not password.strip():
        raise WeakPassword("Do not start or end the password with spaces.")


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
