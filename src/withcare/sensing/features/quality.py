"""Data quality per stream per day: the columns that stop a quiet phone being read as a quiet person.

For sampled streams (GPS, accelerometer) the expected number of samples follows the study's sampling
plan (rate and on/off duty cycle) over the local day's real length, so a 23-hour DST day is not
counted as missing an hour. Event streams (calls, texts, power state) have no expected count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl


@dataclass(frozen=True)
class SamplingPlan:
    """What the phone was asked to record: rate (Hz) and an on/off cycle (s)."""

    hz: float
    on_s: float
    off_s: float

    def expected(self, seconds: float) -> float:
        return seconds * self.hz * self.on_s / (self.on_s + self.off_s)


DEFAULT_SAMPLING: dict[str, SamplingPlan] = {
    "gps": SamplingPlan(1.0, 60.0, 600.0),
    "accelerometer": SamplingPlan(10.0, 60.0, 60.0),
}


def stream_quality(
    stream: str, t_ms: pl.Series, day_lo_ms: int, day_hi_ms: int, plan: SamplingPlan | None
) -> dict[str, float]:
    """``<stream>_minutes_with_data``, ``_observed_samples``, ``_expected_samples``, ``_longest_gap_min``.

    The longest gap includes the stretches from local midnight to the first sample and from the last
    sample to the next midnight, so a day that starts late shows it.
    """
    t = t_ms.to_numpy()  # readers hand over rows sorted by time
    edges = np.r_[day_lo_ms, t, day_hi_ms].astype(np.float64)
    out = {
        f"{stream}_minutes_with_data": float(np.count_nonzero(np.diff(t // 60_000, prepend=-1))),
        f"{stream}_observed_samples": float(t.size),
        f"{stream}_longest_gap_min": float(np.diff(edges).max()) / 60_000.0,
    }
    if plan is not None:
        out[f"{stream}_expected_samples"] = plan.expected((day_hi_ms - day_lo_ms) / 1000.0)
    return out
