"""The values the escalation state machine works on: states, events, actors and the escalation.

All immutable. An :class:`Escalation` maps to one database row (its ``version`` is the optimistic
concurrency token: update ``WHERE version = old``), each :class:`Transition` to one row of an
append-only event table, and each :class:`Notification` to one outbox row keyed by
``(escalation id, sequence, level)`` so a retried or doubled worker cannot send it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from withcare.domain.roles import Role
from withcare.domain.safety.actions import Action, Outcome
from withcare.domain.safety.contact_request import ContactRequest
from withcare.domain.safety.escalation_policy import Level, Urgency


class EscalationState(StrEnum):
    OPEN = "open"  # waiting for its owner to acknowledge it
    ACKNOWLEDGED = "acknowledged"  # a named human has taken it on
    IN_PROGRESS = "in_progress"  # at least one action recorded
    CLOSED = "closed"  # closed by a human, with an outcome


class EscalationKind(StrEnum):
    RISK = "risk"
    CONTACT_REQUEST = "contact_request"


class EventKind(StrEnum):
    RAISE = "raise"
    ACKNOWLEDGE = "acknowledge"
    RECORD_ACTION = "record_action"
    HAND_OVER = "hand_over"
    CLOSE_WITH_OUTCOME = "close_with_outcome"
    DEADLINE_PASSED = "deadline_passed"


class DeadlineKind(StrEnum):
    ACKNOWLEDGE = "acknowledge"  # someone must take it on by then
    FOLLOW_UP = "follow_up"  # someone must record progress or close it by then


class ActorKind(StrEnum):
    STAFF = "staff"
    PERSON = "person"
    SYSTEM = "system"  # rules, the deadline worker: never a human


class NotificationReason(StrEnum):
    RAISED = "raised"
    ESCALATED = "escalated"  # a deadline passed: the next level must act
    STILL_UNACKNOWLEDGED = "still_unacknowledged"  # a deadline passed at the top level
    HANDED_OVER = "handed_over"


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    id: str
    role: Role | None = None

    @classmethod
    def system(cls, name: str = "withcare") -> Actor:
        return cls(ActorKind.SYSTEM, name)

    @classmethod
    def staff(cls, staff_id: str, role: Role) -> Actor:
        return cls(ActorKind.STAFF, staff_id, role)

    @classmethod
    def person(cls, person_id: str) -> Actor:
        return cls(ActorKind.PERSON, person_id, Role.PERSON_IN_CARE)

    @property
    def is_human(self) -> bool:
        return self.kind is not ActorKind.SYSTEM

    @property
    def may_handle_escalations(self) -> bool:
        """Clinicians and service managers act on escalations; nobody else, and never the system."""
        return self.kind is ActorKind.STAFF and self.role in (Role.CLINICIAN, Role.SERVICE_MANAGER)


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happens to an escalation. Carries no free text: notes live elsewhere."""

    kind: EventKind
    actor: Actor
    at: datetime
    action: Action | None = None
    outcome: Outcome | None = None
    to_assignee: str | None = None
    to_level: Level | None = None

    @classmethod
    def acknowledge(cls, actor: Actor, at: datetime) -> Event:
        return cls(EventKind.ACKNOWLEDGE, actor, at)

    @classmethod
    def record_action(cls, actor: Actor, at: datetime, action: Action) -> Event:
        return cls(EventKind.RECORD_ACTION, actor, at, action=action)

    @classmethod
    def hand_over(
        cls, actor: Actor, at: datetime, to_assignee: str, to_level: Level | None = None
    ) -> Event:
        return cls(EventKind.HAND_OVER, actor, at, to_assignee=to_assignee, to_level=to_level)

    @classmethod
    def close(cls, actor: Actor, at: datetime, outcome: Outcome) -> Event:
        return cls(EventKind.CLOSE_WITH_OUTCOME, actor, at, outcome=outcome)

    @classmethod
    def deadline_passed(cls, at: datetime, actor: Actor | None = None) -> Event:
        return cls(EventKind.DEADLINE_PASSED, actor or Actor.system("deadline-worker"), at)


@dataclass(frozen=True, slots=True)
class RecordedAction:
    action: Action
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True)
class Escalation:
    kind: EscalationKind
    urgency: Urgency
    state: EscalationState
    level: Level
    assignee: str | None  # None = whoever is on the rota for ``level``
    deadline: datetime | None  # None only when closed
    deadline_kind: DeadlineKind | None
    raised_at: datetime
    raised_by: Actor
    updated_at: datetime
    version: int
    policy_version: str
    rule_ids: tuple[str, ...] = ()
    contact_request: ContactRequest | None = None
    acknowledged_at: datetime | None = None  # the FIRST acknowledgement, for oversight
    acknowledged_by: Actor | None = None
    actions: tuple[RecordedAction, ...] = ()
    breaches: int = 0  # deadlines missed so far
    outcome: Outcome | None = None
    closed_at: datetime | None = None
    closed_by: Actor | None = None

    @property
    def is_open(self) -> bool:
        return self.state is not EscalationState.CLOSED

    def is_overdue(self, now: datetime) -> bool:
        return self.deadline is not None and now >= self.deadline

    @property
    def time_to_acknowledge(self) -> timedelta | None:
        return None if self.acknowledged_at is None else self.acknowledged_at - self.raised_at

    def inbox_key(self) -> tuple[int, datetime]:
        """Sort key for a clinician's inbox: most urgent first, then the nearest deadline."""
        deadline = self.deadline or self.closed_at or self.raised_at
        return (-self.urgency.rank, deadline)


@dataclass(frozen=True, slots=True)
class Notification:
    """Someone must be told. ``sequence`` is the escalation version that caused it: with the
    escalation's id it forms the idempotency key of the outbox row."""

    level: Level
    assignee: str | None
    reason: NotificationReason
    urgency: Urgency
    sequence: int
    overdue_since: datetime | None = None  # the deadline that was missed, for "due at 10:00"


@dataclass(frozen=True, slots=True)
class Transition:
    """One applied event: store ``escalation``, append this record, enqueue ``notification``."""

    event: Event
    from_state: EscalationState | None
    from_level: Level | None
    escalation: Escalation
    notification: Notification | None
