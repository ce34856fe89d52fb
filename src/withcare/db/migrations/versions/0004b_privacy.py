"""consent branch: care choice, discharge confirmations, data keys, corrections, erasures

Revision ID: 0004b_privacy
Revises: 0004_consent
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import withcare.db.types

revision = "0004b_privacy"
down_revision = "0004_consent"
branch_labels = None
depends_on = None

_AT = withcare.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "care_preferences",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("modes", sa.String(length=200), nullable=False),
        sa.Column("at", _AT, nullable=False),
        sa.Column("recorded_by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_care_preferences_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_preferences")),
    )
    op.create_index(op.f("ix_care_preferences_at"), "care_preferences", ["at"])
    op.create_index(op.f("ix_care_preferences_person_id"), "care_preferences", ["person_id"])
    op.create_table(
        "choice_events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("part", sa.String(length=40), nullable=False),
        sa.Column("alternative", sa.String(length=40), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=True),
        sa.Column("at", _AT, nullable=False),
        sa.Column("recorded_by", sa.String(length=32), nullable=False),
        sa.Column("note_encrypted", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_choice_events_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_choice_events")),
    )
    op.create_index(op.f("ix_choice_events_at"), "choice_events", ["at"])
    op.create_index(op.f("ix_choice_events_person_id"), "choice_events", ["person_id"])
    op.create_table(
        "discharge_confirmations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("episode_id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("clinician_id", sa.String(length=32), nullable=False),
        sa.Column("at", _AT, nullable=False),
        sa.Column("reason_encrypted", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_discharge_confirmations_episode_id_episodes"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_discharge_confirmations_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discharge_confirmations")),
    )
    op.create_index(
        op.f("ix_discharge_confirmations_episode_id"), "discharge_confirmations", ["episode_id"]
    )
    op.create_index(
        op.f("ix_discharge_confirmations_person_id"), "discharge_confirmations", ["person_id"]
    )
    op.create_table(
        "data_keys",
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("data_key_id", sa.String(length=32), nullable=False),
        sa.Column("service_key_id", sa.String(length=64), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_data_keys")),
    )
    op.create_index(op.f("ix_data_keys_service_key_id"), "data_keys", ["service_key_id"])
    op.create_table(
        "correction_requests",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("requested_at", _AT, nullable=False),
        sa.Column("requested_by", sa.String(length=32), nullable=False),
        sa.Column("text_encrypted", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("resolved_at", _AT, nullable=True),
        sa.Column("resolved_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_correction_requests_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_requests")),
    )
    op.create_index(op.f("ix_correction_requests_person_id"), "correction_requests", ["person_id"])
    op.create_table(
        "erasure_records",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("requested_at", _AT, nullable=False),
        sa.Column("requested_by", sa.String(length=32), nullable=False),
        sa.Column("completed_at", _AT, nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_records")),
    )
    op.create_index(op.f("ix_erasure_records_person_id"), "erasure_records", ["person_id"])


def downgrade() -> None:
    for table in (
        "erasure_records",
        "correction_requests",
        "data_keys",
        "discharge_confirmations",
        "choice_events",
        "care_preferences",
    ):
        op.drop_table(table)
