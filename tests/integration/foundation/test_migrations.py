"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import withcare.db.models  # noqa: F401
from withcare.db import migrate
from withcare.db.base import Base
from withcare.services.platform import Platform
from withcare_testing.world import PASSWORD, World


def test_schema_matches_models_and_is_current(platform: Platform) -> None:
    assert platform.schema_is_current()
    with platform.database.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_migrating_again_is_a_no_op(platform: Platform) -> None:
    migrate.upgrade(platform.database)
    assert migrate.current_revisions(platform.database) == migrate.head_revisions()


def test_the_accounts_branch_downgrades_and_upgrades_with_accounts_in_place(
    world: World,
) -> None:
    """0007_totp_replay alters ``users``, which other tables point to: on SQLite a batch copy of
    the table would break those foreign keys, so it must stay a plain ALTER TABLE."""
    database = world.platform.database
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "accounts@-1")
    columns = {c["name"] for c in inspect(database.engine).get_columns("users")}
    assert "totp_last_step" not in columns and "totp_secret" in columns
    assert "0007_totp_replay" not in migrate.current_revisions(database)
    migrate.upgrade(database)
    assert migrate.is_current(database)
    assert world.platform.accounts.authenticate(world["person"].email, PASSWORD).token
