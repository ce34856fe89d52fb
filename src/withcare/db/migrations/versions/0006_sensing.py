"""sensing: enrolments, daily features and processing runs (issue 7)

Revision ID: 0006_sensing
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import withcare.db.types

revision = "0006_sensing"
down_revision = "0001_foundation"
branch_labels = ("sensing",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sensing_enrolments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("participant_id", sa.String(length=120), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("enrolled_by_id", sa.String(length=32), nullable=True),
        sa.Column("enrolled_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolled_by_id"],
            ["users.id"],
            name=op.f("fk_sensing_enrolments_enrolled_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_sensing_enrolments_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sensing_enrolments")),
        sa.UniqueConstraint("participant_id", name=op.f("uq_sensing_enrolments_participant_id")),
        sa.UniqueConstraint("person_id", name=op.f("uq_sensing_enrolments_person_id")),
    )
    op.create_table(
        "sensing_runs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("started_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("run_by_id", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("participants_not_permitted", sa.Integer(), nullable=False),
        sa.Column("participants_failed", sa.Integer(), nullable=False),
        sa.Column("participant_days", sa.Integer(), nullable=False),
        sa.Column("participant_days_computed", sa.Integer(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("rejected_by_reason", sa.Text(), nullable=False),
        sa.Column("pipeline_version", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_by_id"], ["users.id"], name=op.f("fk_sensing_runs_run_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sensing_runs")),
    )
    op.create_table(
        "sensing_daily_features",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("features", sa.Text(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("gps_coverage", sa.Float(), nullable=True),
        sa.Column("accelerometer_coverage", sa.Float(), nullable=True),
        sa.Column("gps_minutes_with_data", sa.Float(), nullable=True),
        sa.Column("accelerometer_minutes_with_data", sa.Float(), nullable=True),
        sa.Column("streams", sa.String(length=200), nullable=False),
        sa.Column("computed_at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("pipeline_version", sa.String(length=40), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_sensing_daily_features_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["sensing_runs.id"],
            name=op.f("fk_sensing_daily_features_run_id_sensing_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sensing_daily_features")),
        sa.UniqueConstraint(
            "person_id", "local_date", name=op.f("uq_sensing_daily_features_person_id")
        ),
    )
    op.create_index(
        op.f("ix_sensing_daily_features_person_id"),
        "sensing_daily_features",
        ["person_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_sensing_daily_features_run_id"), "sensing_daily_features", ["run_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_sensing_daily_features_run_id"), table_name="sensing_daily_features")
    op.drop_index(op.f("ix_sensing_daily_features_person_id"), table_name="sensing_daily_features")
    op.drop_table("sensing_daily_features")
    op.drop_table("sensing_runs")
    op.drop_table("sensing_enrolments")
