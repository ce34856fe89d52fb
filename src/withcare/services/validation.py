"""Small input checks shared by services, each failing with a message that says how to fix it."""

from __future__ import annotations

import re

from withcare.services.errors import N_, InvalidInput

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s.]{1,63}$|^[^@\s]{1,64}@localhost$")


def clean_email(value: str) -> str:
    value = (value or "").strip().lower()
    if not _EMAIL.match(value):
        raise InvalidInput(N_("Enter an e-mail address like name@example.org."))
    return value


def clean_name(value: str, max_length: int = 200) -> str:
    """A person's display name, tidied (the messages say "name", so they can be translated)."""
    value = " ".join((value or "").split())
    if not value:
        raise InvalidInput(N_("Enter a name."))
    if len(value) > max_length:
        raise InvalidInput(
            N_("The name must be %(max)d characters or fewer."), params={"max": max_length}
        )
    if any(ord(ch) < 32 for ch in value):
        raise InvalidInput(N_("The name contains characters that cannot be stored."))
    return value
