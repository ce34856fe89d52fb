"""The benchmark's harness keeps working as the library changes: ``bench/run_tool.py`` runs a tool
twice in one process and reports both passes. No timing is asserted (speed is measured in
``bench/``, side by side with Forest); this only checks that the harness runs and is consistent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from withcare.sensing.synthetic import StudyPlan, generate_study

REPO = Path(__file__).resolve().parents[3]
FIELDS = {"tool", "import_s", "cold_s", "cold_cpu_s", "compute_s", "compute_cpu_s", "peak_rss_mib"}


def _run(tool: str, raw: Path, out: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run_tool.py"), tool, str(raw), str(out), "UTC"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src"), "POLARS_MAX_THREADS": "1"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    record: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return record


@pytest.mark.parametrize(("tool", "study"), [("withcare-gps", "gps"), ("withcare-accel", "accel")])
def test_the_harness_runs_withcare_twice_and_both_passes_agree(
    tool: str,
    study: str,
    gps_study: tuple[Path, pl.DataFrame],
    accel_study: tuple[Path, pl.DataFrame],
    tmp_path: Path,
) -> None:
    raw = (gps_study if study == "gps" else accel_study)[0]
    record = _run(tool, raw, tmp_path)
    assert set(record) == FIELDS and record["tool"] == tool
    for key in FIELDS - {"tool"}:
        value = record[key]
        assert isinstance(value, float) and value > 0, key
    first, second = (
        sorted((tmp_path / "pass1").glob("*.csv")),
        sorted((tmp_path / "pass2").glob("*.csv")),
    )
    assert first and [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()  # the second pass recomputes the same features


def test_the_parse_only_floor_runs(tmp_path: Path) -> None:
    # the floor parses clean data only (as the benchmark generates it), but days of empty files
    # are skipped rather than crashing it
    plan = StudyPlan(participants=1, days=2, seed=3, accelerometer=False, mess=False)
    generate_study(tmp_path / "raw", plan)
    (tmp_path / "raw" / "p000a" / "gps" / "2030-01-01 00_00_00.csv").write_text("")
    record = _run("floor-gps", tmp_path / "raw", tmp_path / "out")
    assert set(record) == FIELDS and record["tool"] == "floor-gps"
