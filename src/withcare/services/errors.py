"""Errors the services raise, each with a message that is safe and useful to show the user.

WithcareError
├── NotFound            the thing does not exist (or the actor may not know it exists)
├── InvalidInput        the input is wrong; ``problems`` maps field -> what to fix
├── Conflict            the request clashes with the current state
└── LoginFailed         wrong credentials, locked account or bad second factor
AccessDenied / NotAuthenticated come from ``withcare.security.authorisation``.

Messages are English msgids of the gettext catalogue, marked with :func:`N_`. A message that
needs a value says ``%(name)s`` and the value comes in ``params``; the web translates the msgid
first and fills the values in afterwards (:meth:`WithcareError.localised`), while ``message``,
``problems`` and ``str(error)`` give the filled-in English (for the JSON API and the command line).
Never put personal data in a message or its params.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from withcare.messages import N_
from withcare.security.authorisation import AccessDenied, NotAuthenticated

Translate = Callable[[str], str]


def _english(message: str) -> str:
    return message


class WithcareError(Exception):
    def __init__(self, message: str, *, params: Mapping[str, object] | None = None) -> None:
        self.msgid = message
        self.params: dict[str, object] = dict(params or {})
        self.message = self.localised()
        super().__init__(self.message)

    def fill(self, text: str) -> str:
        """``text`` with this error's params filled in (unchanged when there are none)."""
        return text % self.params if self.params else text

    def localised(self, translate: Translate = _english) -> str:
        """The message translated by ``translate`` first, then with the params filled in."""
        return self.fill(translate(self.msgid))


class NotFound(WithcareError):
    pass


class InvalidInput(WithcareError):
    """``problems`` values are msgids too; they share the error's ``params``."""

    def __init__(
        self,
        message: str,
        problems: Mapping[str, str] | None = None,
        *,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message, params=params)
        self.problem_msgids = dict(problems or {})
        self.problems = self.localised_problems()

    def localised_problems(self, translate: Translate = _english) -> dict[str, str]:
        """Each field's problem translated by ``translate`` first, then with the params filled in."""
        return {field: self.fill(translate(text)) for field, text in self.problem_msgids.items()}


class Conflict(WithcareError):
    pass


class LoginFailed(WithcareError):
    pass


__all__ = [
    "N_",
    "AccessDenied",
    "Conflict",
    "InvalidInput",
    "LoginFailed",
    "NotAuthenticated",
    "NotFound",
    "WithcareError",
]
