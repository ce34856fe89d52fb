"""A tiny synthetic raw export shared by the sensing-platform tests (generated once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from withcare.sensing.synthetic import StudyPlan, generate_study

PLAN = StudyPlan(
    participants=2,
    days=3,
    seed=5,
    accel_hz=1.0,
    accel_on_s=30.0,
    accel_off_s=270.0,
    missing_day_rate=0.0,
    mess=False,
)


@pytest.fixture(scope="session")
def raw_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("sensing_platform") / "raw"
    generate_study(raw, PLAN)
    return raw
