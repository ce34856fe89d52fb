"""GPS mobility features per local day, from the gap-filled timeline and study-wide places.

Names follow Forest's jasmine where the quantity is the same (hours and kilometres); see
docs/sensing/features.md for every formula and for how each differs from Forest.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from withcare.sensing.features.gps_chunks import MobilityConfig
from withcare.sensing.features.places import Places, find_places
from withcare.sensing.features.timeline import Timeline, build_timeline
from withcare.sensing.geo import haversine_m
from withcare.sensing.localtime import day_bounds_ms

MOBILITY_FEATURES: tuple[str, ...] = (
    "obs_duration",
    "obs_day",
    "obs_night",
    "gps_imputed_hours",
    "gps_unfilled_hours",
    "home_time",
    "dist_traveled",
    "max_dist_home",
    "radius",
    "radius_of_gyration",
    "diameter",
    "num_sig_places",
    "sig_place_time",
    "entropy",
    "norm_entropy",
    "total_flight_time",
    "total_pause_time",
    "num_trips",
    "av_trip_length",
    "av_trip_duration",
)

_H = 3600.0


def mobility_features(
    chunks: pl.DataFrame, days: list[date], tz: str, config: MobilityConfig
) -> dict[date, dict[str, float]]:
    """Daily features for ``days`` (days with GPS observations) from all of a participant's chunks."""
    if chunks.height == 0:
        return {}
    timeline = build_timeline(chunks, config)
    places = find_places(timeline.pauses, tz, config)
    return {day: _day_features(timeline, places, day, tz, config) for day in days}


def _overlap(start: np.ndarray, end: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return np.asarray(np.clip(np.minimum(end, hi) - np.maximum(start, lo), 0.0, None))


def _local_clock(day: date, hour: int, tz: str) -> float:
    """Epoch seconds of a local wall-clock hour (Forest's day part is 08:00-19:59 local)."""
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(tz)).timestamp()


def _day_features(
    timeline: Timeline, places: Places | None, day: date, tz: str, config: MobilityConfig
) -> dict[str, float]:
    lo_ms, hi_ms = day_bounds_ms(day, tz)
    lo, hi = lo_ms / 1000.0, hi_ms / 1000.0
    p, f = timeline.pauses, timeline.flights
    ps, pe = p["start"].to_numpy(), p["end"].to_numpy()
    fs, fe = f["start"].to_numpy(), f["end"].to_numpy()
    p_in = _overlap(ps, pe, lo, hi)
    f_in = _overlap(fs, fe, lo, hi)
    f_dur = fe - fs
    # a flight is counted in the day it overlaps; zero-length (instant) flights by their start
    f_share = np.where(
        f_dur > 0, f_in / np.maximum(f_dur, 1e-9), ((fs >= lo) & (fs < hi)).astype(float)
    )
    p_mask = p_in > 0
    f_mask = f_share > 0
    p_obs = p["observed"].to_numpy().astype(bool)
    f_obs = f["observed"].to_numpy().astype(bool)

    observed = float(p_in[p_obs].sum() + f_in[f_obs].sum())
    covered = float(p_in.sum() + f_in.sum())
    day_lo, day_hi = _local_clock(day, 8, tz), _local_clock(day, 20, tz)
    obs_day = float(
        _overlap(ps[p_obs], pe[p_obs], day_lo, day_hi).sum()
        + _overlap(fs[f_obs], fe[f_obs], day_lo, day_hi).sum()
    )
    out: dict[str, float] = {
        "obs_duration": observed / _H,
        "obs_day": obs_day / _H,
        "obs_night": (observed - obs_day) / _H,
        "gps_imputed_hours": (covered - observed) / _H,
        "gps_unfilled_hours": max((hi - lo) - covered, 0.0) / _H,
        "dist_traveled": float((f["length_m"].to_numpy() * f_share).sum()) / 1000.0,
        "total_flight_time": float(f_in.sum()) / _H,
        "total_pause_time": float(p_in.sum()) / _H,
    }
    plat, plon = p["lat"].to_numpy()[p_mask], p["lon"].to_numpy()[p_mask]
    w = p_in[p_mask]
    out.update(_spread(plat, plon, w, f, f_mask))
    out.update(_place_features(places, p_mask, w, plat, plon, f, f_mask, config))
    out.update(
        _trips(ps, pe, p_in, fs, fe, f["length_m"].to_numpy() * f_share, f_mask, lo, hi, config)
    )
    return out


def _spread(
    plat: np.ndarray, plon: np.ndarray, w: np.ndarray, f: pl.DataFrame, f_mask: np.ndarray
) -> dict[str, float]:
    if w.size == 0 or w.sum() <= 0:
        radius = gyration = 0.0
    else:
        total = float(w.sum())
        clat, clon = float((plat * w).sum() / total), float((plon * w).sum() / total)
        dist = haversine_m(plat, plon, np.full_like(plat, clat), np.full_like(plon, clon))
        radius = float((dist * w).sum() / total)
        gyration = float(np.sqrt((dist**2 * w).sum() / total))
    lat = np.concatenate([plat, f["lat0"].to_numpy()[f_mask], f["lat1"].to_numpy()[f_mask]])
    lon = np.concatenate([plon, f["lon0"].to_numpy()[f_mask], f["lon1"].to_numpy()[f_mask]])
    return {
        "radius": radius / 1000.0,
        "radius_of_gyration": gyration / 1000.0,
        "diameter": _diameter(lat, lon) / 1000.0,
    }


def _diameter(lat: np.ndarray, lon: np.ndarray) -> float:
    """Largest distance between any two points of the day (points first thinned to a ~10 m grid)."""
    if lat.size < 2:
        return 0.0
    # thin to a ~10 m grid through one integer key (far cheaper than a row-wise unique)
    key = np.unique(
        np.round(lat * 1e4).astype(np.int64) * 4_000_000 + np.round(lon * 1e4).astype(np.int64)
    )
    row = np.floor_divide(key + 2_000_000, 4_000_000)
    pts = np.column_stack([row / 1e4, (key - row * 4_000_000) / 1e4])
    if (
        pts.shape[0] > 2000
    ):  # keep it quadratic-in-a-small-n: the extreme points decide the diameter
        pts = pts[
            np.unique(
                np.concatenate(
                    [
                        np.argsort(pts[:, 0])[[0, -1]],
                        np.argsort(pts[:, 1])[[0, -1]],
                        np.linspace(0, pts.shape[0] - 1, 2000).astype(int),
                    ]
                )
            )
        ]
    a, b = pts[:, None, :], pts[None, :, :]
    d = haversine_m(a[..., 0], a[..., 1], b[..., 0], b[..., 1])
    return float(d.max())


def _place_features(
    places: Places | None,
    p_mask: np.ndarray,
    w: np.ndarray,
    plat: np.ndarray,
    plon: np.ndarray,
    f: pl.DataFrame,
    f_mask: np.ndarray,
    config: MobilityConfig,
) -> dict[str, float]:
    if places is None:
        nan = float("nan")
        return dict.fromkeys(
            (
                "home_time",
                "max_dist_home",
                "num_sig_places",
                "sig_place_time",
                "entropy",
                "norm_entropy",
            ),
            nan,
        )
    home_d = haversine_m(
        plat, plon, np.full_like(plat, places.home_lat), np.full_like(plon, places.home_lon)
    )
    ends_lat = np.concatenate([plat, f["lat0"].to_numpy()[f_mask], f["lat1"].to_numpy()[f_mask]])
    ends_lon = np.concatenate([plon, f["lon0"].to_numpy()[f_mask], f["lon1"].to_numpy()[f_mask]])
    far = haversine_m(
        ends_lat,
        ends_lon,
        np.full_like(ends_lat, places.home_lat),
        np.full_like(ends_lon, places.home_lon),
    )
    cluster = places.cluster[p_mask]
    per_place = np.bincount(cluster, weights=w) if cluster.size else np.zeros(0)
    sig = per_place[per_place >= config.sig_place_min_s]
    total = float(sig.sum())
    if total > 0:
        share = sig / total
        entropy = float(-(share * np.log(share)).sum())
    else:
        entropy = 0.0
    n_sig = int(sig.size)
    return {
        "home_time": float(w[home_d <= config.home_radius_m].sum()) / _H,
        "max_dist_home": float(far.max()) / 1000.0 if far.size else 0.0,
        "num_sig_places": float(n_sig),
        "sig_place_time": total / _H,
        "entropy": entropy,
        "norm_entropy": entropy / float(np.log(n_sig)) if n_sig > 1 else 0.0,
    }


def _trips(
    ps: np.ndarray,
    pe: np.ndarray,
    p_in: np.ndarray,
    fs: np.ndarray,
    fe: np.ndarray,
    f_len: np.ndarray,
    f_mask: np.ndarray,
    lo: float,
    hi: float,
    config: MobilityConfig,
) -> dict[str, float]:
    """Trips: runs of flights not interrupted by a pause of 5 min or more, at least 100 m long."""
    long_pause = (pe - ps) >= config.trip_break_s
    breaks = np.sort(ps[long_pause & (p_in > 0)])
    f_idx = np.flatnonzero(f_mask)
    if f_idx.size == 0:
        return {"num_trips": 0.0, "av_trip_length": 0.0, "av_trip_duration": 0.0}
    group = np.searchsorted(breaks, fs[f_idx], side="right")
    _, trip = np.unique(group, return_inverse=True)
    length = np.bincount(trip, weights=f_len[f_idx])
    first = np.full(length.size, np.inf)
    last = np.full(length.size, -np.inf)
    np.minimum.at(first, trip, np.clip(fs[f_idx], lo, hi))
    np.maximum.at(last, trip, np.clip(fe[f_idx], lo, hi))
    real = length >= config.trip_min_m
    if not real.any():
        return {"num_trips": 0.0, "av_trip_length": 0.0, "av_trip_duration": 0.0}
    return {
        "num_trips": float(real.sum()),
        "av_trip_length": float(length[real].mean()) / 1000.0,
        "av_trip_duration": float((last - first)[real].mean()) / _H,
    }


__all__ = ["MOBILITY_FEATURES", "mobility_features"]
