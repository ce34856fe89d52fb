"""measures: instrument licences, assignments and administrations

Revision ID: 0002_measures
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import withcare.db.types

revision = "0002_measures"
down_revision = "0001_foundation"
branch_labels = ("measures",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "measure_instrument_licences",
        sa.Column("instrument_id", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_id", sa.String(length=32), nullable=False),
        sa.Column("recorded_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_measure_instrument_licences_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("instrument_id", name=op.f("pk_measure_instrument_licences")),
    )
    op.create_table(
        "measure_assignments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("instrument_id", sa.String(length=40), nullable=False),
        sa.Column("schedule", sa.String(length=40), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("next_due_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reminders", sa.Boolean(), nullable=False),
        sa.Column("snoozed_until", withcare.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_reminded_at", withcare.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("assigned_by_id", sa.String(length=32), nullable=False),
        sa.Column("assigned_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", withcare.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["users.id"],
            name=op.f("fk_measure_assignments_assigned_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_measure_assignments_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_assignments")),
    )
    op.create_index(
        op.f("ix_measure_assignments_next_due_at"), "measure_assignments", ["next_due_at"]
    )
    op.create_index(op.f("ix_measure_assignments_person_id"), "measure_assignments", ["person_id"])
    op.create_table(
        "measure_administrations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("instrument_id", sa.String(length=40), nullable=False),
        sa.Column("assignment_id", sa.String(length=32), nullable=True),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("responses", sa.Text(), nullable=False),
        sa.Column("entered_by_id", sa.String(length=32), nullable=True),
        sa.Column("started_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", withcare.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", withcare.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column("severity", sa.String(length=40), nullable=True),
        sa.Column("valid", sa.Boolean(), nullable=True),
        sa.Column("risk_flag", sa.Boolean(), nullable=False),
        sa.Column("extras", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["measure_assignments.id"],
            name=op.f("fk_measure_administrations_assignment_id_measure_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["users.id"],
            name=op.f("fk_measure_administrations_entered_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_measure_administrations_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_administrations")),
    )
    for column in ("assignment_id", "completed_at", "person_id", "status"):
        op.create_index(
            op.f(f"ix_measure_administrations_{column}"), "measure_administrations", [column]
        )


def downgrade() -> None:
    op.drop_table("measure_administrations")
    op.drop_table("measure_assignments")
    op.drop_table("measure_instrument_licences")
