"""Random tokens for sessions and CSRF, and their keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database stores for a session cookie: a leaked table cannot be replayed."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token_for(secret_key: bytes, seed: str) -> str:
    """The CSRF token for a browser: a MAC of its random CSRF cookie.

    An attacker who can plant a cookie (e.g. from a sibling subdomain) still cannot compute the
    matching form token without the server's key.
    """
    return hmac.new(secret_key, b"csrf:" + seed.encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret_key: bytes, seed: str | None, submitted: str | None) -> bool:
    if not seed or not submitted:
        return False
    return hmac.compare_digest(csrf_token_for(secret_key, seed), submitted)
