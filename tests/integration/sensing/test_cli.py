"""`withcare sensing ...` through Typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import typer
from typer.testing import CliRunner

from withcare.cli.sensing import register

from .conftest import GPS_PLAN


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_features_writes_one_csv_per_participant_one_row_per_day(
    gps_study: tuple[Path, pl.DataFrame], tmp_path: Path
) -> None:
    raw, truth = gps_study
    args = [
        "sensing",
        "features",
        "--format",
        "beiwe",
        "--input",
        str(raw),
        "--output",
        str(tmp_path),
    ]
    result = CliRunner().invoke(_app(), [*args, "--tz", GPS_PLAN.tz])
    assert result.exit_code == 0, result.output
    assert "participant-days computed" in result.output
    assert "duplicate row" in result.output
    for participant, days in (
        truth.filter(pl.col("gps_recorded")).group_by("participant").len().iter_rows()
    ):
        table = pl.read_csv(tmp_path / f"{participant}.csv")
        assert table.height == days
        assert table["date"].n_unique() == days
        assert {"gps_minutes_with_data", "gps_longest_gap_min", "platform", "home_time"} <= set(
            table.columns
        )


def test_run_leaves_a_file_report_and_a_summary(
    gps_study: tuple[Path, pl.DataFrame], tmp_path: Path
) -> None:
    raw, _ = gps_study
    result = CliRunner().invoke(
        _app(), ["sensing", "run", "-i", str(raw), "-o", str(tmp_path), "--streams", "gps"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "run_summary.json").read_text())
    assert summary["rows_rejected"]["duplicate row"] > 0
    report = pl.read_csv(tmp_path / "file_report.csv")
    assert (report.filter(pl.col("reason") == "duplicate row")["rows_rejected"].sum()) == summary[
        "rows_rejected"
    ]["duplicate row"]


def test_ingest_reports_without_writing_features(
    gps_study: tuple[Path, pl.DataFrame], tmp_path: Path
) -> None:
    raw, _ = gps_study
    report = tmp_path / "report.csv"
    result = CliRunner().invoke(
        _app(), ["sensing", "ingest", "-i", str(raw), "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert "participants" in result.output and "3" in result.output
    assert report.exists()


def test_bad_paths_and_options_are_one_sentence_not_a_traceback(
    gps_study: tuple[Path, pl.DataFrame], tmp_path: Path
) -> None:
    raw, _ = gps_study
    runner = CliRunner()
    cases = [
        (["-i", str(tmp_path / "missing"), "-o", str(tmp_path)], "does not exist"),
        (["-i", str(raw), "-o", str(tmp_path), "--format", "fitbit"], "Unknown format"),
        (["-i", str(raw), "-o", str(tmp_path), "--tz", "Mars/Base"], "Unknown time zone"),
        (["-i", str(raw), "-o", str(tmp_path), "--streams", "gps,eeg"], "Unknown stream"),
        (["-i", str(raw), "-o", str(tmp_path), "--streams", ","], "Choose at least one stream"),
        (["-i", str(raw), "-o", str(tmp_path), "--executor", "dask"], "scheduler address"),
    ]
    for args, message in cases:
        result = runner.invoke(_app(), ["sensing", "features", *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output
        assert "Traceback" not in result.output
