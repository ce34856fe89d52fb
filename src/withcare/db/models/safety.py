"""Safety (P3, issue 4): escalations, their audit trail, risk signals, the notification outbox,
delivery attempts, contact requests, safety plans, crisis contacts and worker heartbeats.

Every row maps to a value of ``withcare.domain.safety``. Nothing here holds a person's words:
risk signals store the rule that fired, never the text; safety plans are stored encrypted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from withcare.db.base import Base
from withcare.db.types import UTCDateTime, new_id


class EscalationRow(Base):
    """One escalation. ``version`` is the optimistic-lock column: every change is written with
    ``UPDATE ... WHERE id = :id AND version = :old`` so two writers can never both apply one."""

    __tablename__ = "safety_escalations"
    __table_args__ = (Index("ix_safety_escalations_state_deadline", "state", "deadline"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    service_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(64))
    urgency: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20))
    assignee_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deadline_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    raised_by_kind: Mapped[str] = mapped_column(String(10))
    raised_by_id: Mapped[str] = mapped_column(String(64))
    raised_by_role: Mapped[str | None] = mapped_column(String(40), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer)
    policy_version: Mapped[str] = mapped_column(String(40))
    rule_ids: Mapped[str] = mapped_column(Text, default="")  # space-separated rule ids
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    acknowledged_by_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    acknowledged_by_role: Mapped[str | None] = mapped_column(String(40), nullable=True)
    actions: Mapped[str] = mapped_column(Text, default="[]")  # JSON: codes, actor ids, times
    breaches: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(String(60), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_by_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    closed_by_role: Mapped[str | None] = mapped_column(String(40), nullable=True)


class EscalationEventRow(Base):
    """Append-only: one row per applied transition. ``sequence`` is the escalation's version
    after the event, so a transition can be recorded only once."""

    __tablename__ = "safety_escalation_events"
    __table_args__ = (UniqueConstraint("escalation_id", "sequence"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    escalation_id: Mapped[str] = mapped_column(ForeignKey("safety_escalations.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str | None] = mapped_column(String(40), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    action: Mapped[str | None] = mapped_column(String(60), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(60), nullable=True)
    to_assignee_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_state: Mapped[str] = mapped_column(String(20))
    from_level: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_level: Mapped[str] = mapped_column(String(20))
    deadline_after: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class RiskSignalRow(Base):
    """One rule that fired. Never the person's text: the rule, its version and the severity."""

    __tablename__ = "safety_risk_signals"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    escalation_id: Mapped[str | None] = mapped_column(
        ForeignKey("safety_escalations.id"), nullable=True, index=True
    )
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(64))
    rule_id: Mapped[str] = mapped_column(String(80))
    rule_set_version: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(String(300))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class NotificationRow(Base):
    """The outbox: one row per notification, recipient and channel, written in the same
    transaction as the transition that caused it. Claimed by a worker with a conditional update
    and a lease (``claimed_by``/``claimed_until``)."""

    __tablename__ = "safety_notifications"
    __table_args__ = (
        UniqueConstraint("escalation_id", "sequence", "channel", "recipient_id"),
        Index("ix_safety_notifications_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    escalation_id: Mapped[str] = mapped_column(ForeignKey("safety_escalations.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))
    recipient_id: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(30))
    urgency: Mapped[str] = mapped_column(String(20))
    overdue_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    status: Mapped[str] = mapped_column(String(20))  # pending, sending, sent, undeliverable
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeliveryAttemptRow(Base):
    """Every attempt to deliver a notification, successful or not."""

    __tablename__ = "safety_delivery_attempts"
    __table_args__ = (UniqueConstraint("notification_id", "attempt"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    notification_id: Mapped[str] = mapped_column(ForeignKey("safety_notifications.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    worker_id: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    succeeded: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(String(300), nullable=True)


class ContactRequestRow(Base):
    """A person asking to talk to a human (P2); runs through its own escalation."""

    __tablename__ = "safety_contact_requests"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    escalation_id: Mapped[str] = mapped_column(ForeignKey("safety_escalations.id"), unique=True)
    preferred_modes: Mapped[str] = mapped_column(String(200))  # space-separated codes
    preferred_times: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))  # the escalation's state, kept in step
    response_target: Mapped[datetime] = mapped_column(UTCDateTime())
    requested_by_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SafetyPlanVersionRow(Base):
    """One immutable version of a person's safety plan; the sections are encrypted at rest."""

    __tablename__ = "safety_plan_versions"
    __table_args__ = (UniqueConstraint("person_id", "number"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    sections_ciphertext: Mapped[str] = mapped_column(Text)
    schema_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[str] = mapped_column(String(32))
    agreed_with_person: Mapped[bool] = mapped_column(Boolean)


class CrisisContactRow(Base):
    """A service's own crisis contact, shown on the crisis page beside the UK defaults."""

    __tablename__ = "safety_crisis_contacts"
    __table_args__ = (UniqueConstraint("service_id", "contact_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(String(32), index=True)
    contact_id: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    number: Mapped[str] = mapped_column(String(40))
    href: Mapped[str] = mapped_column(String(80))
    texts: Mapped[str] = mapped_column(Text)  # JSON: {"name": {"en": .., "cy": ..}, "how": .., ..}
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WorkerHeartbeatRow(Base):
    """Each worker writes here on every pass, so the service can see a dead worker."""

    __tablename__ = "safety_worker_heartbeats"

    worker_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    passes: Mapped[int] = mapped_column(Integer, default=0)
