"""Apply Alembic migrations from inside the application (``withcare migrate``, ``make demo``, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from withcare.db.engine import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revisions() -> frozenset[str]:
    """Each capability's migrations form their own branch off the foundation, so there may be
    several heads; the schema is current when all of them are applied."""
    return frozenset(ScriptDirectory.from_config(_config()).get_heads())


def current_revisions(database: Database) -> frozenset[str]:
    with database.engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


def is_current(database: Database) -> bool:
    return current_revisions(database) == head_revisions()


def upgrade(database: Database, revision: str = "heads") -> None:
    """Bring the schema to ``revision``; a no-op when it is already there."""
    config = _config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def autogenerate(database: Database, message: str, rev_id: str | None = None) -> None:
    """Write a new migration by comparing the models with the database (developers only)."""
    config = _config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True, rev_id=rev_id)
