"""Alembic environment: runs migrations on the connection handed over by ``withcare.db.migrate``."""

from __future__ import annotations

from alembic import context

import withcare.db.models  # noqa: F401  (registers every table on the metadata)
from withcare.db.base import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only via `alembic` CLI, which we do not ship
    raise RuntimeError("run migrations through `withcare migrate`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
