from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from withcare.sensing.synthetic import StudyPlan, generate_study

GPS_PLAN = StudyPlan(participants=3, days=6, seed=11, accelerometer=False)
ACCEL_PLAN = StudyPlan(
    participants=2, days=2, seed=5, accel_on_s=60, accel_off_s=240, missing_day_rate=0.0
)


@pytest.fixture(scope="session")
def gps_study(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pl.DataFrame]:
    root = tmp_path_factory.mktemp("gps_study")
    truth = generate_study(root / "raw", GPS_PLAN)
    return root / "raw", truth


@pytest.fixture(scope="session")
def accel_study(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pl.DataFrame]:
    root = tmp_path_factory.mktemp("accel_study")
    truth = generate_study(root / "raw", ACCEL_PLAN)
    return root / "raw", truth


def read_outputs(out: Path) -> pl.DataFrame:
    frames = [
        pl.read_csv(p, try_parse_dates=True)
        for p in sorted(out.glob("*.csv"))
        if p.name != "file_report.csv"
    ]
    return pl.concat(frames, how="diagonal_relaxed")
