"""Incremental runs, the consent seam, and the three executors giving the same answer."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from withcare.sensing.executors import run_features
from withcare.sensing.options import FeatureOptions

from .conftest import GPS_PLAN, read_outputs

OPTIONS = FeatureOptions(tz=GPS_PLAN.tz)


def test_rerun_recomputes_only_changed_days_and_matches_a_full_run(
    gps_study: tuple[Path, pl.DataFrame], tmp_path: Path
) -> None:
    raw, _ = gps_study
    first = run_features(raw, tmp_path / "out", "beiwe", OPTIONS)
    assert first.participant_days_computed == first.participant_days > 0
    again = run_features(raw, tmp_path / "out", "beiwe", OPTIONS)
    assert again.by_status() == {"unchanged": 3}
    assert again.participant_days_computed == 0

    target = sorted((raw / "p001b" / "gps").glob("2024-03-29 12_*.csv"))[0]
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    third = run_features(raw, tmp_path / "out", "beiwe", OPTIONS)
    assert third.by_status() == {"updated": 1, "unchanged": 2}
    assert third.participant_days_computed == 1

    run_features(raw, tmp_path / "full", "beiwe", OPTIONS, incremental=False)
    assert_frame_equal(read_outputs(tmp_path / "out"), read_outputs(tmp_path / "full"))


def test_changed_settings_recompute_everything(
    gps_study: tuple[Path, pl.DataFrame], tmp_path: Path
) -> None:
    raw, _ = gps_study
    run_features(raw, tmp_path, "beiwe", OPTIONS)
    other = run_features(raw, tmp_path, "beiwe", FeatureOptions(tz="America/New_York"))
    assert other.by_status() == {"computed": 3}


def test_the_gate_decides_what_is_read(
    gps_study: tuple[Path, pl.DataFrame], tmp_path: Path
) -> None:
    raw, _ = gps_study
    asked: list[tuple[str, str]] = []

    def gate(participant: str, stream: str) -> bool:
        asked.append((participant, stream))
        return participant != "p002c" and stream != "gps"

    run_features(raw, tmp_path, "beiwe", OPTIONS)
    assert (tmp_path / "p002c.csv").exists()
    summary = run_features(raw, tmp_path, "beiwe", OPTIONS, gate=gate)
    assert ("p000a", "gps") in asked
    assert not (tmp_path / "p002c.csv").exists()  # withdrawn: earlier outputs removed
    assert not (tmp_path / ".sensing-cache" / "p002c").exists()
    assert summary.by_status()["not permitted"] == 1
    assert all(r.stream != "gps" for o in summary.outcomes for r in o.reports)
    table = pl.read_csv(tmp_path / "p000a.csv")
    assert "home_time" not in table.columns
    assert "num_in_call" in table.columns


def test_process_pool_and_dask_match_local(
    gps_study: tuple[Path, pl.DataFrame], tmp_path: Path
) -> None:
    import distributed  # a declared dependency: a missing install must fail, not skip

    raw, _ = gps_study
    run_features(raw, tmp_path / "local", "beiwe", OPTIONS)
    pool = run_features(raw, tmp_path / "pool", "beiwe", OPTIONS, executor="process", workers=2)
    assert pool.by_status() == {"computed": 3}
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        dask = run_features(
            raw,
            tmp_path / "dask",
            "beiwe",
            OPTIONS,
            executor="dask",
            scheduler=cluster.scheduler_address,
        )
    assert dask.by_status() == {"computed": 3}
    expected = read_outputs(tmp_path / "local")
    assert_frame_equal(read_outputs(tmp_path / "pool"), expected)
    assert_frame_equal(read_outputs(tmp_path / "dask"), expected)


def test_dask_without_a_scheduler_is_a_clear_error(
    gps_study: tuple[Path, pl.DataFrame], tmp_path: Path
) -> None:
    raw, _ = gps_study
    with pytest.raises(ValueError, match="scheduler address"):
        run_features(raw, tmp_path, "beiwe", OPTIONS, executor="dask")


def test_one_failing_participant_does_not_stop_the_others(
    gps_study: tuple[Path, pl.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import withcare.sensing.runner as runner

    real = runner.stage_one

    def flaky(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        if source.participant == "p001b":
            raise OSError("disk went away")
        return real(source, *args, **kwargs)

    monkeypatch.setattr(runner, "stage_one", flaky)
    raw, _ = gps_study
    summary = run_features(raw, tmp_path, "beiwe", OPTIONS)
    assert summary.by_status() == {"computed": 2, "failed": 1}
    failed = next(o for o in summary.outcomes if o.status == "failed")
    assert failed.participant == "p001b"
    assert failed.error is not None and "disk went away" in failed.error
    assert not (tmp_path / "p001b.csv").exists()
    monkeypatch.setattr(runner, "stage_one", real)
    retry = run_features(raw, tmp_path, "beiwe", OPTIONS)
    assert retry.by_status() == {"computed": 1, "unchanged": 2}
