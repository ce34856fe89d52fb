"""safety: escalations, events, risk signals, outbox, contact requests, safety plans

Revision ID: 0003_safety
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import withcare.db.types

revision = "0003_safety"
down_revision = "0001_foundation"
branch_labels = ("safety",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "safety_crisis_contacts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("service_id", sa.String(length=32), nullable=False),
        sa.Column("contact_id", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("href", sa.String(length=80), nullable=False),
        sa.Column("texts", sa.Text(), nullable=False),
        sa.Column("updated_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_crisis_contacts")),
        sa.UniqueConstraint(
            "service_id", "contact_id", name=op.f("uq_safety_crisis_contacts_service_id")
        ),
    )
    with op.batch_alter_table("safety_crisis_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_crisis_contacts_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "safety_worker_heartbeats",
        sa.Column("worker_id", sa.String(length=80), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("passes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_safety_worker_heartbeats")),
    )
    with op.batch_alter_table("safety_worker_heartbeats", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_worker_heartbeats_last_seen_at"), ["last_seen_at"], unique=False
        )

    op.create_table(
        "safety_escalations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("service_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("assignee_id", sa.String(length=32), nullable=True),
        sa.Column("deadline", withcare.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deadline_kind", sa.String(length=20), nullable=True),
        sa.Column("raised_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("raised_by_kind", sa.String(length=10), nullable=False),
        sa.Column("raised_by_id", sa.String(length=64), nullable=False),
        sa.Column("raised_by_role", sa.String(length=40), nullable=True),
        sa.Column("updated_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("policy_version", sa.String(length=40), nullable=False),
        sa.Column("rule_ids", sa.Text(), nullable=False),
        sa.Column("acknowledged_at", withcare.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.String(length=64), nullable=True),
        sa.Column("acknowledged_by_role", sa.String(length=40), nullable=True),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("breaches", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=60), nullable=True),
        sa.Column("closed_at", withcare.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.String(length=64), nullable=True),
        sa.Column("closed_by_role", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_safety_escalations_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_escalations")),
    )
    with op.batch_alter_table("safety_escalations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_escalations_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_safety_escalations_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(
            "ix_safety_escalations_state_deadline", ["state", "deadline"], unique=False
        )

    op.create_table(
        "safety_plan_versions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sections_ciphertext", sa.Text(), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("created_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.String(length=32), nullable=False),
        sa.Column("agreed_with_person", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_safety_plan_versions_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_plan_versions")),
        sa.UniqueConstraint("person_id", "number", name=op.f("uq_safety_plan_versions_person_id")),
    )
    with op.batch_alter_table("safety_plan_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_plan_versions_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "safety_contact_requests",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("escalation_id", sa.String(length=32), nullable=False),
        sa.Column("preferred_modes", sa.String(length=200), nullable=False),
        sa.Column("preferred_times", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("response_target", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requested_by_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["safety_escalations.id"],
            name=op.f("fk_safety_contact_requests_escalation_id_safety_escalations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_safety_contact_requests_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_contact_requests")),
        sa.UniqueConstraint("escalation_id", name=op.f("uq_safety_contact_requests_escalation_id")),
    )
    with op.batch_alter_table("safety_contact_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_contact_requests_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "safety_escalation_events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("escalation_id", sa.String(length=32), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("actor_kind", sa.String(length=10), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("actor_role", sa.String(length=40), nullable=True),
        sa.Column("at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=True),
        sa.Column("outcome", sa.String(length=60), nullable=True),
        sa.Column("to_assignee_id", sa.String(length=32), nullable=True),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("from_level", sa.String(length=20), nullable=True),
        sa.Column("to_level", sa.String(length=20), nullable=False),
        sa.Column("deadline_after", withcare.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["safety_escalations.id"],
            name=op.f("fk_safety_escalation_events_escalation_id_safety_escalations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_escalation_events")),
        sa.UniqueConstraint(
            "escalation_id", "sequence", name=op.f("uq_safety_escalation_events_escalation_id")
        ),
    )
    with op.batch_alter_table("safety_escalation_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_escalation_events_escalation_id"), ["escalation_id"], unique=False
        )

    op.create_table(
        "safety_notifications",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("escalation_id", sa.String(length=32), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("recipient_id", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("overdue_since", withcare.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("claimed_until", withcare.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", withcare.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("read_at", withcare.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("created_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["safety_escalations.id"],
            name=op.f("fk_safety_notifications_escalation_id_safety_escalations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_notifications")),
        sa.UniqueConstraint(
            "escalation_id",
            "sequence",
            "channel",
            "recipient_id",
            name=op.f("uq_safety_notifications_escalation_id"),
        ),
    )
    with op.batch_alter_table("safety_notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_notifications_escalation_id"), ["escalation_id"], unique=False
        )
        batch_op.create_index(
            "ix_safety_notifications_status_next_attempt_at",
            ["status", "next_attempt_at"],
            unique=False,
        )

    op.create_table(
        "safety_risk_signals",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("escalation_id", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("rule_set_version", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("explanation", sa.String(length=300), nullable=False),
        sa.Column("raised_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["safety_escalations.id"],
            name=op.f("fk_safety_risk_signals_escalation_id_safety_escalations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_safety_risk_signals_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_risk_signals")),
    )
    with op.batch_alter_table("safety_risk_signals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_risk_signals_escalation_id"), ["escalation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_safety_risk_signals_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_safety_risk_signals_raised_at"), ["raised_at"], unique=False
        )

    op.create_table(
        "safety_delivery_attempts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("notification_id", sa.String(length=32), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.String(length=80), nullable=False),
        sa.Column("at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["safety_notifications.id"],
            name=op.f("fk_safety_delivery_attempts_notification_id_safety_notifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_delivery_attempts")),
        sa.UniqueConstraint(
            "notification_id", "attempt", name=op.f("uq_safety_delivery_attempts_notification_id")
        ),
    )
    with op.batch_alter_table("safety_delivery_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_delivery_attempts_notification_id"),
            ["notification_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("safety_delivery_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safety_delivery_attempts_notification_id"))

    op.drop_table("safety_delivery_attempts")
    with op.batch_alter_table("safety_risk_signals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safety_risk_signals_raised_at"))
        batch_op.drop_index(batch_op.f("ix_safety_risk_signals_person_id"))
        batch_op.drop_index(batch_op.f("ix_safety_risk_signals_escalation_id"))

    op.drop_table("safety_risk_signals")
    with op.batch_alter_table("safety_notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_safety_notifications_status_next_attempt_at")
        batch_op.drop_index(batch_op.f("ix_safety_notifications_escalation_id"))

    op.drop_table("safety_notifications")
    with op.batch_alter_table("safety_escalation_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safety_escalation_events_escalation_id"))

    op.drop_table("safety_escalation_events")
    with op.batch_alter_table("safety_contact_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safety_contact_requests_person_id"))

    op.drop_table("safety_contact_requests")
    with op.batch_alter_table("safety_plan_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safety_plan_versions_person_id"))

    op.drop_table("safety_plan_versions")
    with op.batch_alter_table("safety_escalations", schema=None) as batch_op:
        batch_op.drop_index("ix_safety_escalations_state_deadline")
        batch_op.drop_index(batch_op.f("ix_safety_escalations_service_id"))
        batch_op.drop_index(batch_op.f("ix_safety_escalations_person_id"))

    op.drop_table("safety_escalations")
    with op.batch_alter_table("safety_worker_heartbeats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safety_worker_heartbeats_last_seen_at"))

    op.drop_table("safety_worker_heartbeats")
    with op.batch_alter_table("safety_crisis_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safety_crisis_contacts_service_id"))

    op.drop_table("safety_crisis_contacts")
