"""Properties that must hold for any input: readers never crash and account for every row; the
gap-filled timeline never overlaps itself and covers exactly the fillable time."""

from __future__ import annotations

import string
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from withcare.sensing.features.gps_chunks import CHUNK_SCHEMA, MobilityConfig
from withcare.sensing.features.timeline import build_timeline
from withcare.sensing.readers.beiwe import BeiweParticipant
from withcare.sensing.readers.days import iter_stream_days
from withcare.sensing.rejects import FileReport

HEADER = "timestamp,UTC time,latitude,longitude,altitude,accuracy"
T0 = 1_714_557_600_000  # 2024-05-01 10:00 UTC

cell = st.one_of(
    st.integers(-(10**13), 10**13).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(alphabet=string.printable, max_size=6),
    st.sampled_from(["", "nan", '"', "1e400", "-0", "NULL"]),
)
good_row = st.tuples(
    st.integers(0, 3_599_999), st.floats(-90, 90), st.floats(-180, 180), st.floats(0, 100)
).map(lambda r: f"{T0 + r[0]},x,{r[1]},{r[2]},0,{r[3]}")
junk_row = st.lists(cell, min_size=0, max_size=8).map(",".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.one_of(good_row, junk_row), max_size=25), header=st.booleans())
def test_readers_never_crash_and_account_for_every_row(
    tmp_path: Path, rows: list[str], header: bool
) -> None:
    folder = tmp_path / "p" / "gps"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "2024-05-01 10_00_00.csv"
    path.write_text("\n".join(([HEADER] if header else []) + rows) + "\n")
    reports: list[FileReport] = []
    days = list(iter_stream_days(BeiweParticipant(tmp_path, "p"), "gps", "Europe/London", reports))
    kept = sum(frame.height for _, frame in days)
    (report,) = reports
    assert report.rows_used == kept
    assert report.rows_read == report.rows_used + report.rows_rejected
    for _, frame in days:
        assert frame["t"].is_sorted()
        assert frame["lat"].is_between(-90, 90).all() or frame.height == 0


chunk = st.tuples(
    st.floats(0, 30_000),  # gap before the chunk (s)
    st.floats(10, 60),  # duration (s)
    st.booleans(),  # moving
    st.floats(-0.02, 0.02),  # lat offset
    st.floats(-0.02, 0.02),  # lon offset
    st.floats(0, 2_000),  # path (m) if moving
)


@settings(max_examples=80, deadline=None)
@given(st.lists(chunk, min_size=1, max_size=30), st.floats(3_600, 86_400))
def test_timeline_covers_exactly_the_fillable_time(
    items: list[tuple[float, ...]], max_fill: float
) -> None:
    config = MobilityConfig(max_fill_s=max_fill)
    rows, t = [], 0.0
    for gap, dur, moving, dlat, dlon, path in items:
        start = t + gap
        rows.append(
            {
                "start": start,
                "end": start + dur,
                "moving": moving,
                "lat": 51.5 + dlat,
                "lon": -0.1 + dlon,
                "lat0": 51.5 + dlat,
                "lon0": -0.1 + dlon,
                "lat1": 51.5 + dlat / 2,
                "lon1": -0.1 + dlon / 2,
                "path_m": path if moving else 0.0,
            }
        )
        t = start + dur
    chunks = pl.DataFrame(rows, schema=CHUNK_SCHEMA)
    timeline = build_timeline(chunks, config)
    pieces = pl.concat(
        [timeline.pauses.select("start", "end"), timeline.flights.select("start", "end")]
    ).sort(["start", "end"])
    start, end = pieces["start"].to_numpy(), pieces["end"].to_numpy()
    assert (end >= start - 1e-9).all()
    assert (start[1:] >= end[:-1] - 1e-6).all(), "pieces overlap"
    gaps = np.array([g for g, *_ in items[1:]])
    expected = sum(d for _, d, *_ in items) + gaps[gaps <= max_fill].sum()
    assert (end - start).sum() == pytest.approx(expected, rel=1e-9, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 80), min_size=1, max_size=40), st.integers(0, 2**32 - 1))
def test_segment_medians_equal_numpy_medians(counts: list[int], seed: int) -> None:
    from withcare.sensing.features.gps_chunks import _segment_median

    sizes = np.asarray(counts)
    ends = np.cumsum(sizes)
    starts = ends - sizes
    values = np.random.default_rng(seed).normal(size=int(ends[-1]))
    expected = [np.median(values[a:b]) for a, b in zip(starts, ends, strict=True)]
    assert np.allclose(_segment_median(values, starts, ends), expected)
