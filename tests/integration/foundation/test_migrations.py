"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import withcare.db.models  # noqa: F401
from withcare.db import migrate
from withcare.db.base import Base
from withcare.services.platform import Platform


def test_schema_matches_models_and_is_current(platform: Platform) -> None:
    assert platform.schema_is_current()
    with platform.database.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_migrating_again_is_a_no_op(platform: Platform) -> None:
    migrate.upgrade(platform.database)
    assert migrate.current_revisions(platform.database) == migrate.head_revisions()
