"""Time-based one-time passwords (RFC 6238) for staff, using ``cryptography``'s implementation."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime
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


def step_at(moment: datetime) -> int:
    """The RFC 6238 time step (the counter ``T``) that ``moment`` falls in."""
    return int(moment.timestamp()) // STEP_SECONDS


def step_start(step: int) -> datetime:
    """The moment time step ``step`` begins."""
    return datetime.fromtimestamp(step * STEP_SECONDS, UTC)


def code_at(secret: str, moment: datetime) -> str:
    return code_for_step(secret, step_at(moment))


def code_for_step(secret: str, step: int) -> str:
    return _totp(secret).generate(step * STEP_SECONDS).decode()


def matched_step(
    secret: str, code: str, moment: datetime, *, after: int | None = None
) -> int | None:
    """The time step whose code ``code`` is, within the drift window around ``moment``; or None.

    RFC 6238 section 5.2: a code is accepted once. Pass the last step accepted for the account as
    ``after`` and only later steps count, so a code that was already used (or any older one)
    matches nothing. Callers must still record the step atomically (see ``AccountService``): this
    function cannot tell two simultaneous uses of one code apart.
    """
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = _totp(secret)
    now = step_at(moment)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue
        try:
            totp.verify(code.encode(), step * STEP_SECONDS)
        except InvalidToken:
            continue
        return step
    return None


def verify(secret: str, code: str, moment: datetime) -> bool:
    """Whether ``code`` is right for ``moment`` (ignoring replay: log-in uses ``matched_step``)."""
    return matched_step(secret, code, moment) is not None


def provisioning_uri(secret: str, account: str, issuer: str = "Withcare") -> str:
    return (
        f"otpauth://totp/{quote(issuer)}:{quote(account)}?secret={secret}"
        f"&issuer={quote(issuer)}&digits={DIGITS}&period={STEP_SECONDS}"
    )
