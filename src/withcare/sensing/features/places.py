"""GPS, stage three (per participant): places and home, study-wide.

Pause time (observed and imputed) is pooled on a 10 m grid, then clustered greedily: the heaviest
remaining cell takes every remaining cell within ``place_radius_m`` (50 m), and so on until all time
is assigned. Home is the place with the most *observed* night-time pause time (19:00-09:59 local,
Forest's window), falling back to the place with the most time overall. Places are study-wide so that
"the same place" means the same thing on every day. The home location stays inside this module's
return value and is never written out: only distances and durations derived from it are features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from withcare.sensing.features.gps_chunks import MobilityConfig
from withcare.sensing.geo import to_plane
from withcare.sensing.localtime import local_hour_of_day

GRID_M = 10.0


@dataclass(frozen=True)
class Places:
    """Cluster index of each pause (aligned with the timeline's pauses) and the home location."""

    cluster: np.ndarray
    home_lat: float
    home_lon: float


def find_places(pauses: pl.DataFrame, tz: str, config: MobilityConfig) -> Places | None:
    if pauses.height == 0:
        return None
    lat = pauses["lat"].to_numpy()
    lon = pauses["lon"].to_numpy()
    weight = (pauses["end"] - pauses["start"]).to_numpy()
    lat0, lon0 = float(np.median(lat)), float(np.median(lon))
    x, y = to_plane(lat, lon, lat0, lon0)
    cells = pl.DataFrame(
        {
            "cx": np.round(x / GRID_M).astype(np.int64),
            "cy": np.round(y / GRID_M).astype(np.int64),
            "w": weight,
        }
    )
    cell_id = (
        cells.select(pl.struct("cx", "cy").rank("dense") - 1)["cx"].to_numpy().astype(np.int64)
    )
    n_cells = int(cell_id.max()) + 1
    cw = np.bincount(cell_id, weights=weight, minlength=n_cells)
    safe = np.maximum(cw, 1e-9)
    cxm = np.bincount(cell_id, weights=x * weight, minlength=n_cells) / safe
    cym = np.bincount(cell_id, weights=y * weight, minlength=n_cells) / safe
    label = _greedy_clusters(cxm, cym, cw, config.place_radius_m)
    cluster = label[cell_id]

    start_hour = local_hour_of_day(pauses["start"].to_numpy(), tz)
    night = (start_hour >= config.night_start_h) | (start_hour < config.night_end_h)
    observed = pauses["observed"].to_numpy().astype(bool)
    n_clusters = int(label.max()) + 1
    night_time = np.bincount(
        cluster[night & observed], weights=weight[night & observed], minlength=n_clusters
    )
    scores = (
        night_time
        if night_time.sum() > 0
        else np.bincount(cluster, weights=weight, minlength=n_clusters)
    )
    home = int(np.argmax(scores))
    members = cluster == home
    w = weight[members]
    total = max(float(w.sum()), 1e-9)
    return Places(
        cluster, float((lat[members] * w).sum() / total), float((lon[members] * w).sum() / total)
    )


def _greedy_clusters(x: np.ndarray, y: np.ndarray, w: np.ndarray, radius: float) -> np.ndarray:
    label = np.full(x.size, -1, dtype=np.int64)
    order = np.argsort(-w, kind="stable")
    k = 0
    for seed in order:
        if label[seed] >= 0:
            continue
        free = label < 0
        near = free & ((x - x[seed]) ** 2 + (y - y[seed]) ** 2 <= radius * radius)
        label[near] = k
        k += 1
    return label
