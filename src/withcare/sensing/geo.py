"""Distances on the Earth, vectorised.

Great-circle (haversine) distances for everything that is reported; a local equal-area-ish plane
(x = R cos(lat) dlon, y = R dlat) only for clustering nearby points, where it is accurate to well under
a metre at the 50 m scale used.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

EARTH_RADIUS_M = 6_371_008.8

Floats = NDArray[np.float64]


def haversine_m(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    """Great-circle distance in metres between paired points given in degrees."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2 - lon1)
    a = np.sin(dphi / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2.0) ** 2
    return np.asarray(
        2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), dtype=np.float64
    )


def to_plane(lat: Floats, lon: Floats, lat0: float, lon0: float) -> tuple[Floats, Floats]:
    """Metres east and north of (lat0, lon0) on a local plane (for clustering only)."""
    x = np.radians(lon - lon0) * EARTH_RADIUS_M * np.cos(np.radians(lat))
    y = np.radians(lat - lat0) * EARTH_RADIUS_M
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def short_distance_m(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    """Equirectangular distance in metres: within 0.01 % of the great circle below ~10 km, at a
    fraction of the cost, so it is used for the many fix-to-fix steps inside one day's bursts."""
    k = np.pi / 180.0
    dlon = np.asarray(lon2 - lon1, dtype=np.float64)
    if dlon.size and float(np.abs(dlon).max()) > 180.0:
        # across the antimeridian the short way (a float modulo is slow, so only when needed)
        dlon = (dlon + 180.0) % 360.0 - 180.0
    x = dlon * (k * np.cos((lat1 + lat2) * (k / 2.0)))
    y = (lat2 - lat1) * k
    return np.asarray(EARTH_RADIUS_M * np.sqrt(x * x + y * y), dtype=np.float64)
