"""Small input checks shared by services, each failing with a message that says how to fix it."""

from __future__ import annotations

import re

from withcare.services.errors import InvalidInput

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s.]{1,63}$|^[^@\s]{1,64}@localhost$")


def clean_email(value: str) -> str:
    value = (value or "").strip().lower()
    if not _EMAIL.match(value):
        raise InvalidInput("Enter an e-mail address like name@example.org.")
    return value


def clean_name(value: str, what: str, max_length: int = 200) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise InvalidInput(f"Enter a {what}.")
    if len(value) > max_length:
        raise InvalidInput(f"The {what} must be {max_length} characters or fewer.")
    if any(ord(ch) < 32 for ch in value):
        raise InvalidInput(f"The {what} contains characters that cannot be stored.")
    return value
