"""One-time invitation codes a person gives their carer: easy to read out, hard to guess.

A code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L, no U/V pair), which
is 29**12 (more than 2**58) possibilities; people see it in groups of four. The database keeps only an HMAC
of the normalised code under the server key, so a copy of the table cannot link an account.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"  # 29 characters nobody confuses when read aloud
LENGTH = 12
_GROUP = 4
# what people may type: letters in either case, spaces and hyphens between groups
_SEPARATORS = str.maketrans("", "", " -\t")


def new_code() -> str:
    """A fresh code, grouped for reading: ``ABCD-EFGH-JKMN``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + _GROUP] for i in range(0, LENGTH, _GROUP))


def normalise(typed: str) -> str | None:
    """The code as stored, from what someone typed; ``None`` if it cannot be a code at all."""
    code = typed.translate(_SEPARATORS).upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def code_hash(secret_key: bytes, code: str) -> str:
    """The keyed hash the database stores for a (normalised) code."""
    return hmac.new(secret_key, b"carer-invitation:" + code.encode(), hashlib.sha256).hexdigest()
