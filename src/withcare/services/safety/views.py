"""The frozen values the safety service returns to its callers (pages, worker, channels)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from withcare.domain.safety import EscalationState, OversightSummary, SafetyPlanVersion


@dataclass(frozen=True)
class SignalOutcome:
    """What the caller must do next: show the crisis page (before anything else) and/or tell the
    person that their care team has been told."""

    shows_crisis_page: bool
    escalation_id: str | None
    opened: bool  # False when the signals joined an escalation that was already open


@dataclass(frozen=True)
class SignalView:
    rule_id: str
    severity: str
    source: str
    explanation: str
    raised_at: datetime
    escalation_id: str | None


@dataclass(frozen=True)
class EventView:
    sequence: int
    kind: str
    actor: str
    actor_role: str | None
    at: datetime
    action: str | None
    outcome: str | None
    to_state: str
    to_level: str


@dataclass(frozen=True)
class NotificationView:
    id: str
    sequence: int
    channel: str
    recipient: str
    reason: str
    status: str
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    last_error: str | None
    escalation_id: str = ""


@dataclass(frozen=True)
class EscalationView:
    id: str
    person_id: str
    person_name: str
    kind: str
    source: str
    urgency: str
    state: str
    level: str
    assignee_id: str | None
    assignee: str
    deadline: datetime | None
    deadline_kind: str | None
    raised_at: datetime
    acknowledged_at: datetime | None
    breaches: int
    outcome: str | None
    closed_at: datetime | None
    version: int
    rule_ids: tuple[str, ...]
    actions: tuple[str, ...]
    overdue: bool

    @property
    def is_open(self) -> bool:
        return self.state != EscalationState.CLOSED.value


@dataclass(frozen=True)
class StaffChoice:
    user_id: str
    name: str
    role: str


@dataclass(frozen=True)
class EscalationDetail:
    escalation: EscalationView
    events: list[EventView]
    signals: list[SignalView]
    notifications: list[NotificationView]
    allowed: tuple[str, ...]
    hand_over_to: list[StaffChoice]
    contact_request: ContactRequestView | None


@dataclass(frozen=True)
class ContactRequestView:
    id: str
    escalation_id: str
    preferred_modes: tuple[str, ...]
    preferred_times: tuple[str, ...]
    status: str
    response_target: datetime
    created_at: datetime


@dataclass(frozen=True)
class PersonSafety:
    person_id: str
    open_escalations: list[EscalationView]
    recent_signals: list[SignalView]
    contact_requests: list[ContactRequestView]


@dataclass(frozen=True)
class HeartbeatView:
    worker_id: str
    host: str
    pid: int
    last_seen_at: datetime
    passes: int
    stale: bool


@dataclass(frozen=True)
class Oversight:
    summary: OversightSummary
    breached_open: list[EscalationView]
    by_outcome: list[tuple[str, int]]
    median_ack_minutes: list[tuple[str, float]]
    outbox: dict[str, int]
    undeliverable: int
    heartbeats: list[HeartbeatView]
    worker_alive: bool
    closed_not_a_risk_by_rule: list[tuple[str, int]]
    test_clock: bool = False  # time comes from WITHCARE_CLOCK_FILE: never in live use


@dataclass(frozen=True)
class PlanVersionSummary:
    number: int
    created_at: datetime
    created_by: str
    agreed_with_person: bool


@dataclass(frozen=True)
class SafetyPlanView:
    person_id: str
    person_name: str
    latest: SafetyPlanVersion | None
    versions: list[PlanVersionSummary]
    changes: list[Any] = field(default_factory=list)  # diff from the previous version


@dataclass(frozen=True)
class ClaimedNotification:
    id: str
    escalation_id: str
    sequence: int
    channel: str
    recipient_id: str
    recipient_email: str
    recipient_name: str
    level: str
    reason: str
    urgency: str
    overdue_since: datetime | None
    deadline: datetime | None
    attempt: int  # the number of this attempt (1 for the first)
