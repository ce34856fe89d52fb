"""accounts branch: the last accepted one-time-code time step per user (RFC 6238 section 5.2)

Revision ID: 0007_totp_replay
Revises: 0001_foundation

``users`` is a foundation table, but the foundation revision is never edited once released
(ADR 0005), so later changes to accounts chain on their own ``accounts`` branch.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_totp_replay"
down_revision = "0001_foundation"
branch_labels = ("accounts",)
depends_on = None


# Plain ALTER TABLE, not batch mode: SQLite adds and (since 3.35) drops a column in place, while a
# batch copy of ``users`` would drop the table that other tables' foreign keys point to.


def upgrade() -> None:
    op.add_column("users", sa.Column("totp_last_step", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "totp_last_step")
