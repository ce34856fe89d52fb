"""Distances on the Earth: the cheap fix-to-fix distance must agree with the great circle where it
is used (short steps), including across the antimeridian and at high latitude."""

from __future__ import annotations

import numpy as np
import pytest

from withcare.sensing.geo import haversine_m, short_distance_m


def _pair(lat1: float, lon1: float, lat2: float, lon2: float) -> tuple[float, float]:
    a = [np.array([v]) for v in (lat1, lon1, lat2, lon2)]
    return float(short_distance_m(*a)[0]), float(haversine_m(*a)[0])


@pytest.mark.parametrize(
    ("lat1", "lon1", "lat2", "lon2"),
    [
        (51.5, -0.12, 51.51, -0.10),  # across London
        (0.0, 179.9999, 0.0, -179.9999),  # a step across the antimeridian, east to west
        (-16.8, -179.995, -16.8, 179.995),  # and west to east (Fiji)
        (78.2, 15.6, 78.25, 15.7),  # high latitude (Svalbard)
    ],
)
def test_short_steps_agree_with_the_great_circle(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> None:
    short, great = _pair(lat1, lon1, lat2, lon2)
    assert great < 10_000
    assert short == pytest.approx(great, rel=1e-4, abs=0.01)


def test_the_antimeridian_step_is_short_not_the_long_way_round() -> None:
    short, _ = _pair(0.0, 179.9999, 0.0, -179.9999)
    assert short == pytest.approx(22.24, abs=0.01)


def test_missing_coordinates_stay_missing() -> None:
    out = short_distance_m(
        np.array([51.5, np.nan]),
        np.array([0.0, 0.0]),
        np.array([51.5, 51.5]),
        np.array([0.001, 0.0]),
    )
    assert out[0] > 0 and np.isnan(out[1])
