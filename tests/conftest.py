"""Fixtures shared by every test: databases (SQLite and PostgreSQL), the platform, the test world.

``platform`` is parametrised over both databases for integration tests; PostgreSQL comes from a
throwaway server started once per test session. Each test gets a fresh, migrated database copied
from a template, so tests never see each other's data.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from withcare.clock import ControllableClock
from withcare.config import Settings
from withcare.db import migrate
from withcare.db.engine import Database
from withcare.services.platform import Platform
from withcare.web.app import create_app
from withcare_testing.postgres import PostgresServer, PostgresUnavailable, start_server
from withcare_testing.world import World, build_world

_counter = itertools.count()


def _template(url: str, data_dir: Path) -> WorldTemplate:
    """Migrate a database and build the test world in it once; tests get copies."""
    db = Database(url)
    migrate.upgrade(db)
    db.dispose()
    platform = Platform(make_settings(data_dir, url), ControllableClock())
    world = build_world(platform)
    platform.close()
    return WorldTemplate(world)


class WorldTemplate:
    """The world's accounts and ids, valid in every copy of the template database."""

    def __init__(self, world: World) -> None:
        self.world = world

    def bind(self, platform: Platform) -> World:
        return dataclasses.replace(self.world, platform=platform)


@pytest.fixture(scope="session")
def postgres_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[PostgresServer, WorldTemplate] | None]:
    try:
        server = start_server()
    except PostgresUnavailable as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true: {missing}", pytrace=False)
        yield None
        return
    try:
        template = _template(
            server.create_database("withcare_template"), tmp_path_factory.mktemp("pg")
        )
        yield server, template
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WorldTemplate]:
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite"
    template = _template(f"sqlite:///{path}", folder)
    # fold the WAL into the main file so a plain file copy is a complete database
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path, template


def make_settings(data_dir: Path, url: str) -> Settings:
    return Settings(data_dir=data_dir, database_url=url, secret_key=b"test-secret-key-not-for-prod")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: tuple[Path, WorldTemplate]
) -> tuple[str, WorldTemplate]:
    """A fresh copy of the migrated database holding the test world, on each backend."""
    if request.param == "sqlite":
        target = tmp_path / "withcare.sqlite"
        shutil.copy(sqlite_template[0], target)
        return f"sqlite:///{target}", sqlite_template[1]
    found: tuple[PostgresServer, WorldTemplate] | None = request.getfixturevalue("postgres_server")
    if found is None:
        pytest.skip("PostgreSQL is not installed here (CI installs it and never skips)")
    server, template = found
    name = f"t{os.getpid()}_{next(_counter)}"
    return server.create_database(name, template="withcare_template"), template


@pytest.fixture
def database_url(database: tuple[str, WorldTemplate]) -> str:
    return database[0]


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: tuple[Path, WorldTemplate]) -> str:
    target = tmp_path / "withcare.sqlite"
    shutil.copy(sqlite_template[0], target)
    return f"sqlite:///{target}"


@pytest.fixture
def clock() -> ControllableClock:
    return ControllableClock()


@pytest.fixture
def platform(database_url: str, tmp_path: Path, clock: ControllableClock) -> Iterator[Platform]:
    platform = Platform(make_settings(tmp_path, database_url), clock)
    yield platform
    platform.close()


@pytest.fixture
def sqlite_platform(
    sqlite_url: str, tmp_path: Path, clock: ControllableClock
) -> Iterator[Platform]:
    platform = Platform(make_settings(tmp_path, sqlite_url), clock)
    yield platform
    platform.close()


@pytest.fixture
def world(platform: Platform, database: tuple[str, WorldTemplate]) -> World:
    return database[1].bind(platform)


@pytest.fixture
def web_world(sqlite_platform: Platform, sqlite_template: tuple[Path, WorldTemplate]) -> World:
    """The test world on SQLite, for web tests that exercise routes rather than the database."""
    return sqlite_template[1].bind(sqlite_platform)


@pytest.fixture
def client_factory(web_world: World) -> Iterator[object]:
    clients: list[TestClient] = []
    app = create_app(web_world.platform)

    def make() -> TestClient:
        client = TestClient(app, raise_server_exceptions=False)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
