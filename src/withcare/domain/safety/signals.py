"""Risk signals: what a rule found, how serious it is and what must happen next.

A signal deliberately carries no personal content: its explanation names the rule and the item
numbers that triggered it, never the person's words or answers, so it can be logged, audited and
shown in an inbox without leaking what the person wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How urgently a human must look. The order matters: see :attr:`rank`."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """Higher is more urgent; used to pick the strongest of several signals."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.LOW: 1, Severity.MODERATE: 2, Severity.HIGH: 3}


class Response(StrEnum):
    """What the platform does when a rule fires."""

    SHOW_CRISIS_PAGE = "show_crisis_page"
    OPEN_ESCALATION = "open_escalation"
    OPEN_CONTACT_REQUEST = "open_contact_request"


class SignalSource(StrEnum):
    """Where the evidence came from, so a clinician knows what to look at."""

    INSTRUMENT = "instrument"
    FREE_TEXT = "free_text"
    HELP_NOW = "help_now"


@dataclass(frozen=True, slots=True)
class RiskSignal:
    """One rule that fired. Immutable so it can be stored and compared as a value."""

    rule_id: str
    rule_set_version: str
    severity: Severity
    responses: tuple[Response, ...]
    source: SignalSource
    explanation: str

    @property
    def shows_crisis_page(self) -> bool:
        return Response.SHOW_CRISIS_PAGE in self.responses


@dataclass(frozen=True, slots=True)
class ResponsePlan:
    """What to do about a batch of signals from one submission: one escalation, not one per rule.

    Several rules often fire together (C-SSRS questions 1, 2 and 4, say). Opening one escalation at
    the strongest severity keeps a clinician's inbox honest and avoids duplicate notifications.
    """

    severity: Severity
    responses: frozenset[Response]
    rule_ids: tuple[str, ...]

    @property
    def shows_crisis_page(self) -> bool:
        return Response.SHOW_CRISIS_PAGE in self.responses

    @property
    def opens_escalation(self) -> bool:
        return Response.OPEN_ESCALATION in self.responses


def plan_response(signals: Iterable[RiskSignal]) -> ResponsePlan | None:
    """Fold signals into one plan: the strongest severity and every response any rule asked for.

    Returns ``None`` when there is nothing to do, so callers cannot mistake an empty plan for one.
    """
    collected = list(signals)
    if not collected:
        return None
    strongest = max(collected, key=lambda signal: signal.severity.rank)
    responses = frozenset(response for signal in collected for response in signal.responses)
    return ResponsePlan(
        severity=strongest.severity,
        responses=responses,
        rule_ids=tuple(dict.fromkeys(signal.rule_id for signal in collected)),
    )
