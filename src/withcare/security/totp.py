"""Time-based one-time passwords (RFC 6238) for staff, using ``cryptography``'s implementation."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from urllib.parse import quote

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor import InvalidToken
from cryptography.hazmat.primitives.twofactor.totp import TOTP

DIGITS = 6
STEP_SECONDS = 30
# Accept the previous and next code as well, for phones whose clock is a little off.
DRIFT_STEPS = 1


def new_secret() -> str:
    """A base32 secret (160 bits), the form authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _totp(secret: str) -> TOTP:
    padded = secret + "=" * (-len(secret) % 8)
    return TOTP(  # SHA-1 is what RFC 6238 and every authenticator app use
        base64.b32decode(padded),
        DIGITS,
        SHA1(),  # noqa: S303
        STEP_SECONDS,
        enforce_key_length=False,
    )


def code_at(secret: str, moment: datetime) -> str:
    return _totp(secret).generate(int(moment.timestamp())).decode()


def verify(secret: str, code: str, moment: datetime) -> bool:
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return False
    totp = _totp(secret)
    now = int(moment.timestamp())
    for step in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        try:
            totp.verify(code.encode(), now + step * STEP_SECONDS)
            return True
        except InvalidToken:
            continue
    return False


def provisioning_uri(secret: str, account: str, issuer: str = "Withcare") -> str:
    return (
        f"otpauth://totp/{quote(issuer)}:{quote(account)}?secret={secret}"
        f"&issuer={quote(issuer)}&digits={DIGITS}&period={STEP_SECONDS}"
    )
