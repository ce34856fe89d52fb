"""consent: decisions and data flows

Revision ID: 0004_consent
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import withcare.db.types

revision = "0004_consent"
down_revision = "0001_foundation"
branch_labels = ("consent",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_decisions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("stream", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("document_version", sa.Integer(), nullable=False),
        sa.Column("decided_by", sa.String(length=20), nullable=False),
        sa.Column("recorded_by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_consent_decisions_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_decisions")),
    )
    op.create_index(op.f("ix_consent_decisions_at"), "consent_decisions", ["at"])
    op.create_index(op.f("ix_consent_decisions_person_id"), "consent_decisions", ["person_id"])
    op.create_table(
        "data_flows",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("stream", sa.String(length=40), nullable=False),
        sa.Column("at", withcare.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_data_flows_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_flows")),
    )
    op.create_index(op.f("ix_data_flows_at"), "data_flows", ["at"])
    op.create_index(op.f("ix_data_flows_person_id"), "data_flows", ["person_id"])


def downgrade() -> None:
    op.drop_table("data_flows")
    op.drop_table("consent_decisions")
