from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from withcare.sensing.features.movement import movement_features


def _signal(cadence: float, seconds: int, scale: float = 1.0, hz: float = 10.0) -> pl.DataFrame:
    t = np.arange(0, seconds, 1 / hz)
    mag = 1.0 + (0.45 * np.sin(2 * np.pi * cadence * t) if cadence else 0.0)
    rng = np.random.default_rng(1)
    z = mag + rng.normal(0, 0.01, t.size)
    return pl.DataFrame(
        {
            "t": (1_714_557_600_000 + t * 1000).astype(np.int64),
            "x": 0.0 * t,
            "y": 0.0 * t,
            "z": z * scale,
        }
    )


@pytest.mark.parametrize("cadence", [1.5, 1.8, 2.1])
def test_steps_follow_the_gait_frequency(cadence: float) -> None:
    out = movement_features(_signal(cadence, 60))
    assert out["walking_time"] == pytest.approx(60, abs=1)
    assert out["steps"] == pytest.approx(cadence * 60, rel=0.03)
    assert out["cadence"] == pytest.approx(cadence, rel=0.03)


def test_still_phone_has_no_steps() -> None:
    out = movement_features(_signal(0.0, 120))
    assert out["steps"] == 0
    assert out["walking_time"] == 0
    assert out["active_minutes"] == 0
    assert out["accel_observed_minutes"] == 2


def test_metres_per_second_squared_give_the_same_answer_as_g() -> None:
    in_g = movement_features(_signal(1.8, 60))
    in_si = movement_features(_signal(1.8, 60, scale=9.80665))
    assert in_si["steps"] == pytest.approx(in_g["steps"], rel=1e-6)


def test_shaking_outside_the_step_band_is_not_walking() -> None:
    out = movement_features(_signal(3.5, 60))
    assert out["steps"] == 0
    assert out["active_minutes"] >= 1  # it is activity, just not walking


def test_walking_shorter_than_three_seconds_is_ignored() -> None:
    out = movement_features(_signal(1.8, 2))
    assert out["steps"] == 0
