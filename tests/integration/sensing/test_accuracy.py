"""Accuracy against the generator's truth, with the tolerances stated in docs/sensing/features.md."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from withcare.sensing.executors import run_features
from withcare.sensing.options import FeatureOptions
from withcare.sensing.synthetic import generate_study
from withcare.sensing.synthetic.evaluate import errors_against_truth

from .conftest import ACCEL_PLAN, GPS_PLAN, read_outputs

#: feature -> largest acceptable mean absolute error on the synthetic study
TOLERANCE = {
    "home_time": 0.5,  # hours
    "dist_traveled": 2.0,  # km (mean truth is about 17 km)
    "num_sig_places": 0.3,
    "max_dist_home": 0.1,  # km
    "num_in_call": 0.0,
    "num_out_call": 0.0,
    "num_s": 0.0,
    "num_r": 0.0,
}


def test_gps_and_log_features_match_the_truth(
    gps_study: tuple[Path, pl.DataFrame], tmp_path: Path
) -> None:
    raw, truth = gps_study
    summary = run_features(raw, tmp_path, "beiwe", FeatureOptions(tz=GPS_PLAN.tz))
    errors = errors_against_truth(read_outputs(tmp_path), truth)
    got = dict(zip(errors["feature"], errors["mae"], strict=True))
    assert set(TOLERANCE) <= set(got)
    for feature, limit in TOLERANCE.items():
        assert got[feature] <= limit, (feature, got[feature])
    # every recorded day appears, missing days do not
    recorded = truth.filter(pl.col("gps_recorded")).height
    assert summary.participant_days == recorded


def test_every_injected_bad_row_is_reported(
    gps_study: tuple[Path, pl.DataFrame], tmp_path: Path
) -> None:
    raw, _ = gps_study
    summary = run_features(raw, tmp_path, "beiwe", FeatureOptions(tz=GPS_PLAN.tz))
    mess = json.loads((raw.parent / "raw.mess.json").read_text())
    injected_dups = sum(m["duplicate row"] for m in mess.values())
    injected_bad = sum(m["unparseable rows"] for m in mess.values())
    assert summary.rejected["duplicate row"] == injected_dups
    assert (
        summary.rejected["unparseable latitude"] + summary.rejected["unparseable timestamp"]
        == injected_bad
    )
    assert summary.rows_read == summary.rows_used + sum(summary.rejected.values())


def test_steps_match_the_truth(accel_study: tuple[Path, pl.DataFrame], tmp_path: Path) -> None:
    raw, truth = accel_study
    run_features(
        raw, tmp_path, "beiwe", FeatureOptions(tz="Europe/London", streams=("accelerometer",))
    )
    joined = read_outputs(tmp_path).join(truth, on=["participant", "date"])
    assert joined.height == 4
    assert (joined["true_steps"] > 0).any()
    error = (joined["steps"] - joined["true_steps"]).abs()
    assert (error <= 0.05 * joined["true_steps"] + 15).all(), joined.select("steps", "true_steps")


def test_a_typical_day_of_walking_is_counted_and_leaves_gps_unchanged(tmp_path: Path) -> None:
    """The "typical" activity profile adds walking about inside places: many more steps, counted
    as accurately, while the GPS files and GPS truth stay byte-identical to the sedentary plan."""
    sedentary = replace(ACCEL_PLAN, participants=1, mess=False)
    typical = replace(sedentary, activity="typical")
    truth_s = generate_study(tmp_path / "s" / "raw", sedentary)
    truth_t = generate_study(tmp_path / "t" / "raw", typical)
    gps_s = sorted((tmp_path / "s" / "raw").glob("*/gps/*.csv"))
    gps_t = sorted((tmp_path / "t" / "raw").glob("*/gps/*.csv"))
    assert [p.read_bytes() for p in gps_s] == [p.read_bytes() for p in gps_t]
    assert truth_s["true_home_time"].to_list() == truth_t["true_home_time"].to_list()
    # 60 s on / 240 s off samples a fifth of the day: a typical day of 5,000-8,000 steps leaves
    # about 1,000-1,600 in the windows; the sedentary plan far fewer
    recorded = truth_t.filter(~pl.col("missing_day"))
    assert (recorded["true_steps"] > truth_s.filter(~pl.col("missing_day"))["true_steps"]).all()
    assert 600 < recorded["true_steps"].mean() < 2500  # type: ignore[operator]
    run_features(
        tmp_path / "t" / "raw",
        tmp_path / "out",
        "beiwe",
        FeatureOptions(tz="Europe/London", streams=("accelerometer",)),
    )
    joined = read_outputs(tmp_path / "out").join(truth_t, on=["participant", "date"])
    error = (joined["steps"] - joined["true_steps"]).abs()
    assert (error <= 0.05 * joined["true_steps"] + 15).all(), joined.select("steps", "true_steps")
    with pytest.raises(ValueError, match="activity must be 'sedentary' or 'typical'"):
        generate_study(tmp_path / "x", replace(sedentary, activity="athletic"))
