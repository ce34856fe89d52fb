"""carers branch: one-time invitations a person gives a carer to link their account

Revision ID: 0008_carer_invitations
Revises: 0001_foundation

``proxy_invitations`` points only to foundation tables (``people``, ``users``), so the carers
capability is its own branch off the foundation (ADR 0005).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import withcare.db.types

revision = "0008_carer_invitations"
down_revision = "0001_foundation"
branch_labels = ("carers",)
depends_on = None

_AT = withcare.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "proxy_invitations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.String(length=400), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("expires_at", _AT, nullable=False),
        sa.Column("used_at", _AT, nullable=True),
        sa.Column("used_by_user_id", sa.String(length=32), nullable=True),
        sa.Column("cancelled_at", _AT, nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_proxy_invitations_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["used_by_user_id"],
            ["users.id"],
            name=op.f("fk_proxy_invitations_used_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proxy_invitations")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_proxy_invitations_code_hash")),
    )
    op.create_index(op.f("ix_proxy_invitations_person_id"), "proxy_invitations", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_proxy_invitations_person_id"), table_name="proxy_invitations")
    op.drop_table("proxy_invitations")
