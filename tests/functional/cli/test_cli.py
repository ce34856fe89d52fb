"""The command-line tool: help everywhere, plain errors, and the commands doing their job."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from withcare.cli import app

runner = CliRunner()
COMMANDS = [
    [],
    ["serve"],
    ["demo"],
    ["migrate"],
    ["users"],
    ["users", "create"],
    ["audit"],
    ["audit", "verify"],
    ["demo-code"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "withcare")
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_migrate_users_create_and_audit_verify(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path)]
    assert runner.invoke(app, ["migrate", *data]).exit_code == 0
    weak = runner.invoke(
        app,
        [
            "users",
            "create",
            "--email",
            "a@b.test",
            "--name",
            "A",
            "--role",
            "admin",
            "--password",
            "short",
            *data,
        ],
    )
    assert weak.exit_code == 2
    assert "at least 12" in weak.output and "Traceback" not in weak.output
    made = runner.invoke(
        app,
        [
            "users",
            "create",
            "--email",
            "a@b.test",
            "--name",
            "A",
            "--role",
            "admin",
            "--password",
            "long enough password",
            *data,
        ],
    )
    assert made.exit_code == 0, made.output
    assert "Second-factor key" in made.output
    ok = runner.invoke(app, ["audit", "verify", *data])
    assert ok.exit_code == 0 and "intact: 1 entries" in ok.output
    with sqlite3.connect(tmp_path / "withcare.sqlite") as connection:
        connection.execute("UPDATE audit_events SET reason = 'tampered' WHERE seq = 1")
    broken = runner.invoke(app, ["audit", "verify", *data])
    assert broken.exit_code == 1
    assert "entry 1 was altered" in broken.output


def test_bad_database_url_is_a_plain_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "migrate",
            "--data-dir",
            str(tmp_path),
            "--database-url",
            "postgresql://nobody@127.0.0.1:1/none",
        ],
    )
    assert result.exit_code == 2
    assert "cannot reach or migrate the database" in result.output


def test_demo_loads_once_then_reuses_and_prints_log_ins(tmp_path: Path) -> None:
    env = {**os.environ, "WITHCARE_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    command = [sys.executable, "-m", "withcare.cli", "demo", "--no-serve"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    assert first.returncode == 0, first.stderr
    assert "admin@demo.withcare.test" in first.stdout
    assert "second-factor key" in first.stdout
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert "already loaded" in second.stdout and "admin@demo.withcare.test" in second.stdout
    with sqlite3.connect(tmp_path / "withcare.sqlite") as connection:
        people = connection.execute("SELECT count(*) FROM people").fetchone()[0]
        teams = connection.execute("SELECT count(*) FROM care_teams").fetchone()[0]
        roles = {r for (r,) in connection.execute("SELECT DISTINCT role FROM users")}
    assert people == 40 and teams == 2
    assert roles == {
        "person_in_care",
        "clinician",
        "service_manager",
        "researcher",
        "technology_evaluator",
        "carer",
        "admin",
    }
    verify = subprocess.run(
        [sys.executable, "-m", "withcare.cli", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verify.returncode == 0 and "intact" in verify.stdout
