"""Turning a simulated life into what a phone records: GPS bursts and accelerometer windows."""

from __future__ import annotations

import numpy as np

from withcare.sensing.geo import EARTH_RADIUS_M
from withcare.sensing.synthetic.world import Life

G = 9.80665


def position(life: Life, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    kt = np.asarray(life.knots_t)
    return np.interp(t, kt, life.knots_lat), np.interp(t, kt, life.knots_lon)


def cycle_times(
    start: float,
    end: float,
    on_s: float,
    off_s: float,
    hz: float,
    phase: float,
    rng: np.random.Generator,
    jitter: bool,
) -> np.ndarray:
    """Sample times of an on/off duty cycle; iOS timing (``jitter``) is irregular around the rate."""
    period = on_s + off_s
    first = start + phase
    cycles = np.arange(first, end, period)
    offsets = np.arange(0, on_s, 1.0 / hz)
    t = (cycles[:, None] + offsets[None, :]).ravel()
    if jitter:
        t = t + rng.uniform(-0.3, 0.3, t.size) / hz
    return np.sort(t[(t >= start) & (t < end)])


def gps_fixes(
    life: Life, t: np.ndarray, rng: np.random.Generator, bad_fix_rate: float
) -> dict[str, np.ndarray]:
    """Fixes with realistic error: a per-burst offset, per-fix noise, some inaccurate and some wild fixes."""
    lat, lon = position(life, t)
    burst = np.cumsum(np.diff(t, prepend=t[0] - 1e9) > 30)
    offsets = rng.normal(0, 4.0, (int(burst.max()) + 1 if t.size else 1, 2))
    noise_m = rng.normal(0, 5.0, (t.size, 2)) + offsets[burst]
    accuracy = rng.uniform(5, 20, t.size)
    poor = rng.random(t.size) < 0.01
    accuracy[poor] = rng.uniform(60, 200, int(poor.sum()))
    noise_m[poor] *= 8
    wild = rng.random(t.size) < bad_fix_rate
    noise_m[wild] += rng.choice([-1, 1], (int(wild.sum()), 2)) * rng.uniform(
        500, 3000, (int(wild.sum()), 2)
    )
    lat = lat + np.degrees(noise_m[:, 0] / EARTH_RADIUS_M)
    lon = lon + np.degrees(noise_m[:, 1] / (EARTH_RADIUS_M * np.cos(np.radians(lat))))
    altitude = 30 + rng.normal(0, 3, t.size)
    return {"t": t, "lat": lat, "lon": lon, "altitude": altitude, "accuracy": accuracy}


def walking_cadence(life: Life, t: np.ndarray) -> np.ndarray:
    """Step frequency (Hz) at each time: 0 when not walking."""
    cadence = np.zeros(t.size)
    for start, end, hz in life.walks:
        lo, hi = np.searchsorted(t, [start, end])
        cadence[lo:hi] = hz
    return cadence


def accelerometer(
    t: np.ndarray, cadence: np.ndarray, rng: np.random.Generator, android: bool
) -> dict[str, np.ndarray]:
    """Gravity in a per-window phone orientation, plus a gait signal while walking, plus noise (in g;
    Android records m/s^2, so it is scaled there)."""
    window = np.cumsum(np.diff(t, prepend=t[0] - 1e9) > 5)
    n_windows = int(window.max()) + 1 if t.size else 1
    tilt = rng.normal(0, 1, (n_windows, 3)) * np.array([0.3, 0.3, 1.0])
    tilt /= np.linalg.norm(tilt, axis=1, keepdims=True)
    up = tilt[window]
    phase = rng.uniform(0, 2 * np.pi, n_windows)[window]
    gait = 0.45 * np.sin(2 * np.pi * cadence * t + phase) + 0.15 * np.sin(
        4 * np.pi * cadence * t + phase
    )
    gait = np.where(cadence > 0, gait, 0.0)
    xyz = up * (1.0 + gait)[:, None] + rng.normal(0, 0.015, (t.size, 3))
    if android:
        xyz = xyz * G
    return {"t": t, "x": xyz[:, 0], "y": xyz[:, 1], "z": xyz[:, 2]}
