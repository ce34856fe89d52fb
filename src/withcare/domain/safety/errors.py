"""Errors raised by the safety core.

Every error here means "the safety core refused to guess". Callers must surface them, never swallow
them: a swallowed error on a safety path is a missed risk.

    SafetyError
    ├── RuleSetError              the shipped or configured rules are malformed
    ├── InvalidResponsesError     questionnaire responses do not fit the instrument
    ├── UnsupportedLanguageError  no free-text rules exist for the language asked for
    ├── InvalidTransitionError    an escalation event is not allowed in the current state
    │   └── GuardFailedError      the event is allowed, but its precondition is not met
    └── SafetyPlanError           a safety plan cannot be revised as asked
        └── PlanUnchangedError    the revision changes nothing
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from withcare.domain.safety.safety_plan import Problem


class SafetyError(Exception):
    """Base class for every refusal of the safety core."""


class RuleSetError(SafetyError):
    """The risk rules, deadlines or crisis contacts data are malformed."""


class InvalidResponsesError(SafetyError):
    """Responses do not match the instrument (wrong length, out-of-range or non-integer values)."""


class UnsupportedLanguageError(SafetyError):
    """Free text arrived in a language the rule set cannot read.

    Raised rather than returning "no risk", so the caller routes the text to a human instead.
    """


class InvalidTransitionError(SafetyError):
    """The event cannot happen in the escalation's current state (for example, closing twice)."""


class GuardFailedError(InvalidTransitionError):
    """The transition exists, but its guard refused it (wrong actor, missing outcome, ...)."""


class SafetyPlanError(SafetyError):
    """A safety plan cannot be saved as asked: ``problems`` lists what to fix, empty when the plan
    itself is fine but the revision is not (nothing changed, or time running backwards)."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


class PlanUnchangedError(SafetyPlanError):
    """A revision that changes nothing: a version must mean something changed."""
