"""Passwords (argon2) and one-time codes (RFC 6238)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from withcare.security import passwords, totp


def test_password_hash_verifies_only_the_right_password() -> None:
    stored = passwords.hash_password("a long enough phrase")
    assert stored.startswith("$argon2id$")
    assert passwords.verify_password(stored, "a long enough phrase")
    assert not passwords.verify_password(stored, "a long enough phrasE")
    assert not passwords.verify_password(None, "a long enough phrase")


def test_short_passwords_are_refused_with_a_way_to_fix_it() -> None:
    with pytest.raises(passwords.WeakPassword, match="at least 12"):
        passwords.hash_password("short")


def test_rfc6238_reference_vector() -> None:
    # RFC 6238 appendix B, SHA-1 secret "12345678901234567890", T = 59 s -> 94287082 (8 digits);
    # the last 6 digits are what a 6-digit authenticator shows.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp.code_at(secret, datetime.fromtimestamp(59, UTC)) == "287082"


def test_codes_are_accepted_within_one_step_of_drift_only() -> None:
    secret = totp.new_secret()
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    code = totp.code_at(secret, now)
    assert totp.verify(secret, code, now + timedelta(seconds=30))
    assert not totp.verify(secret, code, now + timedelta(seconds=95))
    assert not totp.verify(secret, "12345", now)
    assert not totp.verify(secret, "abcdef", now)


def test_the_matched_step_is_the_one_whose_code_was_given() -> None:
    secret = totp.new_secret()
    now = datetime(2026, 3, 1, 12, 0, 10, tzinfo=UTC)
    step = totp.step_at(now)
    assert totp.step_start(step) == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert totp.code_for_step(secret, step) == totp.code_at(secret, now)
    for offset in (-1, 0, 1):
        assert totp.matched_step(secret, totp.code_for_step(secret, step + offset), now) == (
            step + offset
        )
    assert totp.matched_step(secret, totp.code_for_step(secret, step + 2), now) is None
    assert totp.matched_step(secret, "12 34 5", now) is None


def test_a_code_is_not_accepted_again_after_its_step_was_used() -> None:
    # RFC 6238 section 5.2: once a step was accepted, its code (and every older one) is spent
    secret = totp.new_secret()
    now = datetime(2026, 3, 1, 12, 0, 10, tzinfo=UTC)
    step = totp.step_at(now)
    code = totp.code_for_step(secret, step)
    assert totp.matched_step(secret, code, now, after=step - 1) == step
    assert totp.matched_step(secret, code, now, after=step) is None
    assert totp.matched_step(secret, code, now + timedelta(seconds=30), after=step) is None
    assert totp.matched_step(secret, totp.code_for_step(secret, step - 1), now, after=step) is None
    # the next step's code still works (the drift window), and then it is spent too
    following = totp.code_for_step(secret, step + 1)
    assert totp.matched_step(secret, following, now, after=step) == step + 1
    assert totp.matched_step(secret, following, now, after=step + 1) is None
