"""GPS, stage one (per day): clean fixes and condense them into one-minute observation chunks.

Fixes with reported accuracy of 51 m or worse are dropped (Forest's threshold). A fix that implies an
impossible speed to *both* neighbours in its burst is a bad fix and is dropped. The rest are averaged
into 10 s bins using the median (robust to single wild fixes), and consecutive bins are grouped into
chunks of at most 60 s within a burst; a chunk's observed time runs from its first fix to one
sampling interval after its last. A chunk is *moving* if its bins spread more than the pause
radius, else a *pause* at its centroid. Chunks are tiny (about 150 a day for 1-on/10-off sampling),
which is what later lets the study-wide stages run from a cache without re-reading raw files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from withcare.sensing.geo import Floats, short_distance_m

CHUNK_SCHEMA: dict[str, pl.DataType] = {
    "start": pl.Float64(),
    "end": pl.Float64(),
    "moving": pl.Boolean(),
    "lat": pl.Float64(),
    "lon": pl.Float64(),
    "lat0": pl.Float64(),
    "lon0": pl.Float64(),
    "lat1": pl.Float64(),
    "lon1": pl.Float64(),
    "path_m": pl.Float64(),
}


@dataclass(frozen=True)
class MobilityConfig:
    """Every tunable of the GPS pipeline, with its default and unit (documented in docs/sensing)."""

    max_accuracy_m: float = 51.0
    bin_s: float = 10.0
    chunk_s: float = 60.0
    burst_gap_s: float = 30.0
    pause_radius_m: float = 25.0
    outlier_speed_mps: float = 50.0
    same_place_m: float = 50.0
    default_speed_mps: float = 5.0
    min_speed_mps: float = 0.5
    max_fill_s: float = 24 * 3600.0
    place_radius_m: float = 50.0
    sig_place_min_s: float = 15 * 60.0
    home_radius_m: float = 50.0
    night_start_h: float = 19.0
    night_end_h: float = 10.0
    trip_break_s: float = 300.0
    trip_min_m: float = 100.0


#: A day's chunks as columns (the names of :data:`CHUNK_SCHEMA`): plain arrays, because building a
#: small DataFrame per day costs more than the chunking; :func:`chunk_frame` makes one per participant.
ChunkColumns = dict[str, np.ndarray]


@dataclass(frozen=True)
class ChunkResult:
    chunks: ChunkColumns
    fixes_used: int
    low_accuracy: int
    bad_fixes: int


def chunk_frame(days: list[tuple[date, ChunkColumns]]) -> pl.DataFrame:
    """One table of every day's chunks, with the local ``day`` each came from (empty: the schema)."""
    schema = {**CHUNK_SCHEMA, "day": pl.Date()}
    days = [(day, columns) for day, columns in days if columns["start"].size]
    if not days:
        return pl.DataFrame(schema=schema)
    counts = [columns["start"].size for _, columns in days]
    data: dict[str, object] = {
        name: np.concatenate([columns[name] for _, columns in days]) for name in CHUNK_SCHEMA
    }
    data["day"] = np.repeat(np.array([day for day, _ in days], dtype="datetime64[D]"), counts)
    return pl.DataFrame(data, schema=schema)


def _no_chunks() -> ChunkColumns:
    return {
        name: np.zeros(0, dtype=bool if name == "moving" else np.float64) for name in CHUNK_SCHEMA
    }


def gps_chunks(frame: pl.DataFrame, config: MobilityConfig) -> ChunkResult:
    """Condense one day of canonical GPS rows (sorted by time) into observation chunks."""
    t = frame["t"].to_numpy().astype(np.float64) / 1000.0
    lat = frame["lat"].to_numpy().astype(np.float64)
    lon = frame["lon"].to_numpy().astype(np.float64)
    acc = frame["accuracy"].to_numpy().astype(np.float64)
    accurate = ~(acc >= config.max_accuracy_m)  # NaN accuracy (not reported) is kept
    low_accuracy = int((~accurate).sum())
    t, lat, lon = t[accurate], lat[accurate], lon[accurate]
    keep = _not_spikes(t, lat, lon, config)
    bad = int((~keep).sum())
    t, lat, lon = t[keep], lat[keep], lon[keep]
    if t.size == 0:
        return ChunkResult(_no_chunks(), 0, low_accuracy, bad)
    b = np.floor(t / config.bin_s).astype(np.int64)  # t is sorted, so bins are contiguous
    starts = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])
    ends = np.r_[starts[1:], b.size]
    bins = {
        "b": b[starts],
        "t0": t[starts],
        "t1": t[ends - 1],
        "lat": _segment_median(lat, starts, ends),
        "lon": _segment_median(lon, starts, ends),
    }
    return ChunkResult(
        _chunk(bins, _sample_interval(t, config), config), int(t.size), low_accuracy, bad
    )


def _segment_median(values: Floats, starts: np.ndarray, ends: np.ndarray) -> Floats:
    """Median of each contiguous segment [start, end), vectorised.

    Segments are short (a 10 s bin holds about 10 fixes), so they are laid out as rows of a padded
    matrix and sorted along the rows; unusually long segments fall back to one global sort.
    """
    counts = ends - starts
    width = int(counts.max())
    lo = (counts - 1) // 2
    hi = counts // 2
    if width <= 64:
        matrix = np.full((starts.size, width), np.inf)
        segment = np.repeat(np.arange(starts.size), counts)
        matrix[segment, np.arange(values.size) - starts[segment]] = values
        matrix.sort(axis=1)
        rows = np.arange(starts.size)
        return np.asarray((matrix[rows, lo] + matrix[rows, hi]) / 2.0, dtype=np.float64)
    key = np.repeat(np.arange(starts.size, dtype=np.float64), counts)
    span = float(values.max() - values.min()) or 1.0
    # one float sort: the segment number dominates, the scaled value orders within a segment
    ordered = values[np.argsort(key + (values - values.min()) / (2.0 * span))]
    return np.asarray((ordered[starts + lo] + ordered[starts + hi]) / 2.0, dtype=np.float64)


def _sample_interval(t: Floats, config: MobilityConfig) -> float:
    """Typical time between fixes inside a burst: each fix stands for this much observed time."""
    dt = np.diff(t)
    inside = dt[(dt > 0) & (dt <= config.burst_gap_s)]
    return float(np.clip(np.median(inside), 0.1, config.bin_s)) if inside.size else 1.0


def _not_spikes(t: Floats, lat: Floats, lon: Floats, config: MobilityConfig) -> np.ndarray:
    keep = np.ones(t.size, dtype=bool)
    if t.size < 3:
        return keep
    dt = np.diff(t)
    speed = short_distance_m(lat[:-1], lon[:-1], lat[1:], lon[1:]) / np.maximum(dt, 1.0)
    fast = (speed > config.outlier_speed_mps) & (dt <= config.burst_gap_s)
    keep[1:-1] = ~(fast[:-1] & fast[1:])
    return keep


def _chunk(bins: dict[str, np.ndarray], interval: float, config: MobilityConfig) -> ChunkColumns:
    bt = bins["b"].astype(np.float64) * config.bin_s
    blat = bins["lat"]
    blon = bins["lon"]
    n = bt.size
    new_burst = np.ones(n, dtype=bool)
    new_burst[1:] = np.diff(bt) > config.burst_gap_s
    burst_start = bt[np.flatnonzero(new_burst)][np.cumsum(new_burst) - 1]
    slot = np.floor((bt - burst_start) / config.chunk_s)
    new_chunk = new_burst.copy()
    new_chunk[1:] |= np.diff(slot) != 0
    first = np.flatnonzero(new_chunk)
    last = np.append(first[1:], n) - 1
    cid = np.cumsum(new_chunk) - 1
    count = (last - first + 1).astype(np.float64)
    clat = np.add.reduceat(blat, first) / count
    clon = np.add.reduceat(blon, first) / count
    spread = np.maximum.reduceat(short_distance_m(blat, blon, clat[cid], clon[cid]), first)
    step = short_distance_m(blat[:-1], blon[:-1], blat[1:], blon[1:])
    inside = cid[:-1] == cid[1:]
    path = np.bincount(cid[:-1][inside], weights=step[inside], minlength=first.size)
    displacement = short_distance_m(blat[first], blon[first], blat[last], blon[last])
    moving = (count >= 2) & (
        (spread > config.pause_radius_m) | (displacement > config.pause_radius_m)
    )
    return {
        # observed time runs from the first fix to one sampling interval after the last
        "start": bins["t0"][first],
        "end": bins["t1"][last] + interval,
        "moving": moving,
        "lat": clat,
        "lon": clon,
        "lat0": blat[first],
        "lon0": blon[first],
        "lat1": blat[last],
        "lon1": blon[last],
        "path_m": np.where(moving, path, 0.0),
    }
