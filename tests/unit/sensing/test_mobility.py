from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from withcare.sensing.features.gps_chunks import MobilityConfig, gps_chunks
from withcare.sensing.features.mobility import MOBILITY_FEATURES
from withcare.sensing.features.timeline import build_timeline
from withcare.sensing.options import FeatureOptions
from withcare.sensing.pipeline import participant_features
from withcare.sensing.readers.beiwe import BeiweParticipant

from .helpers import bursts, ms, write_gps

HOME = (51.5, -0.12)
WORK = (51.52, -0.08)  # about 3.4 km from home


def _features(root: Path, tz: str = "UTC") -> pl.DataFrame:
    table, _, _ = participant_features(BeiweParticipant(root, "p1"), FeatureOptions(tz=tz), ["gps"])
    return table


def test_a_person_home_all_day_is_home_all_day_despite_sparse_bursts(tmp_path: Path) -> None:
    write_gps(tmp_path, "p1", bursts(ms("2024-05-01T00:00:00"), ms("2024-05-02T00:00:00"), *HOME))
    row = _features(tmp_path).row(0, named=True)
    assert row["obs_duration"] == pytest.approx(24 * 60 / 660, rel=0.05)  # about 2.2 h observed
    assert row["home_time"] == pytest.approx(24.0, abs=0.2)  # ... but the whole day at home
    assert row["gps_imputed_hours"] == pytest.approx(24 - row["obs_duration"], abs=0.2)
    assert row["dist_traveled"] == pytest.approx(0.0, abs=0.05)
    assert row["num_sig_places"] == 1
    assert row["entropy"] == 0.0


def test_a_day_at_work_splits_time_and_counts_the_commute(tmp_path: Path) -> None:
    day = "2024-05-01T"
    rows = bursts(ms(day + "00:00:00"), ms(day + "08:00:00"), *HOME)
    # a 10-minute drive sampled continuously, straight from home to work
    t0 = ms(day + "08:00:00")
    for i in range(600):
        f = i / 599
        rows.append(
            (
                t0 + i * 1000,
                HOME[0] + f * (WORK[0] - HOME[0]),
                HOME[1] + f * (WORK[1] - HOME[1]),
                8.0,
            )
        )
    rows += bursts(ms(day + "08:10:00"), ms(day + "17:00:00"), *WORK)
    rows += bursts(ms(day + "17:30:00"), ms("2024-05-02T00:00:00"), *HOME)
    write_gps(tmp_path, "p1", rows)
    row = _features(tmp_path).row(0, named=True)
    assert row["home_time"] == pytest.approx(8 + 6.5, abs=0.4)
    assert row["num_sig_places"] == 2
    assert row["dist_traveled"] == pytest.approx(2 * 3.44, rel=0.1)
    assert row["max_dist_home"] == pytest.approx(3.44, rel=0.05)
    assert row["num_trips"] == 2
    assert 0 < row["norm_entropy"] <= 1
    assert row["total_pause_time"] + row["total_flight_time"] == pytest.approx(24, abs=0.1)


def test_gaps_longer_than_a_day_stay_unfilled_and_are_reported(tmp_path: Path) -> None:
    rows = bursts(ms("2024-05-01T00:00:00"), ms("2024-05-01T12:00:00"), *HOME)
    rows += bursts(ms("2024-05-02T18:00:00"), ms("2024-05-03T00:00:00"), *HOME)
    write_gps(tmp_path, "p1", rows)
    table = _features(tmp_path)
    assert table["date"].to_list() == [date(2024, 5, 1), date(2024, 5, 2)]
    first, second = table.rows(named=True)
    assert first["gps_unfilled_hours"] == pytest.approx(12, abs=0.2)
    assert first["home_time"] == pytest.approx(12, abs=0.2)
    assert second["gps_unfilled_hours"] == pytest.approx(18, abs=0.2)


def test_daylight_saving_day_has_23_hours(tmp_path: Path) -> None:
    # 31 March 2024: UK clocks go forward; the local day runs 00:00 GMT to 23:00 UTC
    write_gps(tmp_path, "p1", bursts(ms("2024-03-31T00:00:00"), ms("2024-03-31T23:00:00"), *HOME))
    row = _features(tmp_path, "Europe/London").row(0, named=True)
    assert row["day_hours"] == 23
    assert row["home_time"] == pytest.approx(23, abs=0.2)
    assert row["gps_expected_samples"] == pytest.approx(23 * 3600 * 60 / 660)


def test_home_location_is_never_in_the_output(tmp_path: Path) -> None:
    write_gps(tmp_path, "p1", bursts(ms("2024-05-01T00:00:00"), ms("2024-05-02T00:00:00"), *HOME))
    table = _features(tmp_path)
    assert set(MOBILITY_FEATURES) <= set(table.columns)
    text = table.write_csv()
    assert "51.5" not in text
    assert not {"lat", "lon", "latitude", "longitude", "home_lat", "home_lon"} & set(table.columns)


def test_low_accuracy_and_wild_fixes_are_dropped_and_counted() -> None:
    t = np.arange(60) * 1000 + ms("2024-05-01T10:00:00")
    lat = np.full(60, HOME[0])
    lon = np.full(60, HOME[1])
    acc = np.full(60, 8.0)
    acc[5] = 80.0
    lat[30] += 0.05  # 5 km away for one second
    frame = pl.DataFrame({"t": t, "lat": lat, "lon": lon, "accuracy": acc})
    result = gps_chunks(frame, MobilityConfig())
    assert (result.low_accuracy, result.bad_fixes, result.fixes_used) == (1, 1, 58)
    assert not result.chunks["moving"].any()


def test_gap_between_two_places_is_travel_at_observed_speed() -> None:
    chunks = pl.DataFrame(
        {
            "start": [0.0, 600.0, 3600.0],
            "end": [60.0, 660.0, 3660.0],
            "moving": [False, True, False],
            "lat": [HOME[0], 51.505, WORK[0]],
            "lon": [HOME[1], -0.11, WORK[1]],
            "lat0": [HOME[0], 51.504, WORK[0]],
            "lon0": [HOME[1], -0.112, WORK[1]],
            "lat1": [HOME[0], 51.506, WORK[0]],
            "lon1": [HOME[1], -0.108, WORK[1]],
            "path_m": [0.0, 600.0, 0.0],
        }
    )
    timeline = build_timeline(chunks, MobilityConfig())
    covered = (timeline.pauses["end"] - timeline.pauses["start"]).sum() + (
        timeline.flights["end"] - timeline.flights["start"]
    ).sum()
    assert covered == pytest.approx(3660.0)
    # seen leaving (still, then moving): the waiting time is spent at home, the travel at 10 m/s
    imputed = timeline.flights.filter(~pl.col("observed"))
    first = imputed.row(0, named=True)
    assert first["end"] == pytest.approx(600.0)
    assert first["end"] - first["start"] == pytest.approx(first["length_m"] / 10.0)
