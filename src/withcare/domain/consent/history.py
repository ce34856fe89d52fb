"""Consent decisions as an append-only history.

Nothing about consent is ever overwritten: a person's current choices are *computed* from every
decision they (or someone allowed to act for them) made, in order. That makes the consent page's
history view, the FHIR export and the "what was already used" statement all read the same record,
and it maps to one insert-only table (one row per :class:`ConsentDecision`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from withcare.domain.consent.vocabulary import ConsentItem


class Action(StrEnum):
    GRANT = "grant"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"


class Actor(StrEnum):
    """Who made the decision.

    ``STAFF_ON_BEHALF`` is a staff member recording a choice the person made on paper or by phone
    (P1: consent must not need a screen); ``PROXY`` is a carer the person allowed to act for them.
    """

    SELF = "self"
    PROXY = "proxy"
    STAFF_ON_BEHALF = "staff_on_behalf"


class InvalidConsentDecision(ValueError):
    """A decision that cannot be recorded; the message says why and what to do instead."""


@dataclass(frozen=True)
class ConsentDecision:
    """One row of the consent history."""

    item: ConsentItem
    action: Action
    at: datetime
    document_version: int
    actor: Actor = Actor.SELF
    recorded_by: str = ""
    """Account id of whoever pressed the button (the person, their carer, or a staff member)."""

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise InvalidConsentDecision("consent decisions need a timezone-aware time")


@dataclass(frozen=True)
class ConsentHistory:
    """An immutable, time-ordered sequence of decisions for one person."""

    decisions: tuple[ConsentDecision, ...] = ()

    def __post_init__(self) -> None:
        for earlier, later in zip(self.decisions, self.decisions[1:], strict=False):
            if later.at < earlier.at:
                raise InvalidConsentDecision("consent history must be in time order")

    def appended(self, decision: ConsentDecision) -> ConsentHistory:
        """A new history with ``decision`` at the end; the past cannot be rewritten."""
        if self.decisions and decision.at < self.decisions[-1].at:
            raise InvalidConsentDecision(
                f"a decision at {decision.at.isoformat()} cannot be recorded before the last one "
                f"at {self.decisions[-1].at.isoformat()}: the history only grows forward"
            )
        return ConsentHistory((*self.decisions, decision))

    def __iter__(self) -> Iterator[ConsentDecision]:
        return iter(self.decisions)

    def __len__(self) -> int:
        return len(self.decisions)

    def last_for(self, item: ConsentItem, at: datetime) -> ConsentDecision | None:
        """The latest decision about ``item`` made at or before ``at``."""
        found = None
        for decision in self.decisions:
            if decision.at > at:
                break
            if decision.item == item:
                found = decision
        return found
