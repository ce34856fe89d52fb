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
"""

from __future__ import annotations


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
    """A safety plan revision is inconsistent with the version it claims to revise."""
