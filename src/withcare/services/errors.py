"""Errors the services raise, each with a message that is safe and useful to show the user.

WithcareError
├── NotFound            the thing does not exist (or the actor may not know it exists)
├── InvalidInput        the input is wrong; ``problems`` maps field -> what to fix
├── Conflict            the request clashes with the current state
└── LoginFailed         wrong credentials, locked account or bad second factor
AccessDenied / NotAuthenticated come from ``withcare.security.authorisation``.
"""

from __future__ import annotations

from collections.abc import Mapping

from withcare.security.authorisation import AccessDenied, NotAuthenticated


class WithcareError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(WithcareError):
    pass


class InvalidInput(WithcareError):
    def __init__(self, message: str, problems: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.problems = dict(problems or {})


class Conflict(WithcareError):
    pass


class LoginFailed(WithcareError):
    pass


__all__ = [
    "AccessDenied",
    "Conflict",
    "InvalidInput",
    "LoginFailed",
    "NotAuthenticated",
    "NotFound",
    "WithcareError",
]
