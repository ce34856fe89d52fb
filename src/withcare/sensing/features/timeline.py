"""GPS, stage two (per participant): a gap-filled timeline of pauses and flights.

Phones sample GPS in bursts, so most of the day is unobserved. Every gap between two chunks shorter
than ``max_fill_s`` (24 h) is filled deterministically, which is what makes daily time features cover
the whole day:

* both sides are pauses within ``same_place_m`` (50 m): the person stayed there for the whole gap;
* otherwise the person travelled the straight line between the two ends, at the speed observed in the
  neighbouring moving chunk(s) (``default_speed_mps`` when neither moved), taking at most the gap;
  the rest of the gap is spent at the departure place if the person was seen arriving (moving, then
  still), at the arrival place if seen leaving (still, then moving), otherwise split evenly.

Longer gaps stay unfilled and are reported as such (``gps_unfilled_hours``). Each piece records
whether it was observed or imputed, so coverage is always reported next to the features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from withcare.sensing.features.gps_chunks import MobilityConfig
from withcare.sensing.geo import haversine_m

PAUSE_SCHEMA: dict[str, pl.DataType] = {
    "start": pl.Float64(),
    "end": pl.Float64(),
    "lat": pl.Float64(),
    "lon": pl.Float64(),
    "observed": pl.Boolean(),
}
FLIGHT_SCHEMA: dict[str, pl.DataType] = {
    "start": pl.Float64(),
    "end": pl.Float64(),
    "length_m": pl.Float64(),
    "lat0": pl.Float64(),
    "lon0": pl.Float64(),
    "lat1": pl.Float64(),
    "lon1": pl.Float64(),
    "observed": pl.Boolean(),
}


@dataclass(frozen=True)
class Timeline:
    """Pauses and flights covering observed and imputed time, each sorted by start (epoch seconds)."""

    pauses: pl.DataFrame
    flights: pl.DataFrame


def build_timeline(chunks: pl.DataFrame, config: MobilityConfig) -> Timeline:
    """Fill the gaps between consecutive chunks (all days of one participant, sorted by start)."""
    chunks = chunks.sort("start")
    c = {name: chunks[name].to_numpy() for name in chunks.columns}
    mv = c["moving"].astype(bool)
    pauses = [
        _frame(PAUSE_SCHEMA, c["start"][~mv], c["end"][~mv], c["lat"][~mv], c["lon"][~mv], True)
    ]
    flights = [
        _frame(
            FLIGHT_SCHEMA,
            c["start"][mv],
            c["end"][mv],
            c["path_m"][mv],
            c["lat0"][mv],
            c["lon0"][mv],
            c["lat1"][mv],
            c["lon1"][mv],
            True,
        )
    ]
    if chunks.height >= 2:
        _fill_gaps(c, mv, config, pauses, flights)
    return Timeline(
        pl.concat(pauses).filter(pl.col("end") > pl.col("start")).sort("start"),
        pl.concat(flights).sort("start"),
    )


def _fill_gaps(
    c: dict[str, np.ndarray],
    mv: np.ndarray,
    config: MobilityConfig,
    pauses: list[pl.DataFrame],
    flights: list[pl.DataFrame],
) -> None:
    e0 = c["end"][:-1]
    s1 = c["start"][1:]
    gap = np.maximum(s1 - e0, 0.0)
    mv0, mv1 = mv[:-1], mv[1:]
    a_lat = np.where(mv0, c["lat1"][:-1], c["lat"][:-1])
    a_lon = np.where(mv0, c["lon1"][:-1], c["lon"][:-1])
    b_lat = np.where(mv1, c["lat0"][1:], c["lat"][1:])
    b_lon = np.where(mv1, c["lon0"][1:], c["lon"][1:])
    d = haversine_m(a_lat, a_lon, b_lat, b_lon)
    fill = gap <= config.max_fill_s
    stay = fill & ~mv0 & ~mv1 & (d <= config.same_place_m)
    pauses.append(_frame(PAUSE_SCHEMA, e0[stay], s1[stay], a_lat[stay], a_lon[stay], False))

    move = fill & ~stay
    duration = np.maximum(c["end"] - c["start"], 1.0)
    speed = np.where(mv, c["path_m"] / duration, np.nan)
    pair = np.vstack([speed[:-1], speed[1:]])
    known = np.isfinite(pair)
    mean_speed = np.where(
        known.any(axis=0), np.nansum(pair, axis=0) / np.maximum(known.sum(axis=0), 1), np.nan
    )
    v = np.maximum(
        np.where(np.isfinite(mean_speed), mean_speed, config.default_speed_mps),
        config.min_speed_mps,
    )
    tau = np.minimum(gap, d / v)
    rest = gap - tau
    before = np.where(mv0 & ~mv1, 0.0, np.where(~mv0 & mv1, rest, rest / 2.0))
    f_start = e0 + before
    f_end = f_start + tau
    m = move
    pauses.append(_frame(PAUSE_SCHEMA, e0[m], f_start[m], a_lat[m], a_lon[m], False))
    pauses.append(_frame(PAUSE_SCHEMA, f_end[m], s1[m], b_lat[m], b_lon[m], False))
    flights.append(
        _frame(
            FLIGHT_SCHEMA, f_start[m], f_end[m], d[m], a_lat[m], a_lon[m], b_lat[m], b_lon[m], False
        )
    )


def _frame(schema: dict[str, pl.DataType], *columns: object) -> pl.DataFrame:
    *arrays, observed = columns
    data: dict[str, object] = dict(zip(list(schema)[:-1], arrays, strict=True))
    n = len(arrays[0])  # type: ignore[arg-type]
    data["observed"] = np.full(n, bool(observed))
    return pl.DataFrame(data, schema=schema)
