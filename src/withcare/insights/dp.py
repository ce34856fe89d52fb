"""Differentially private counts and means with OpenDP, charged to a :class:`PrivacyBudget`.

The privacy unit is one person contributing one row (symmetric distance 1). For each release we
build an OpenDP measurement, let OpenDP find the noise scale for the requested epsilon, and charge
the ledger with the privacy loss *OpenDP certifies* for that measurement (``map(d_in=1)``), not
with the number we asked for. The charge happens before the data is touched.

Means are released as a noisy clamped sum divided by a noisy count, each with half the epsilon;
values are clamped to public ``bounds`` first, because an unbounded value has unbounded influence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import opendp.prelude as dp

from withcare.insights.privacy_budget import PrivacyBudget

dp.enable_features("contrib")


@dataclass(frozen=True)
class DPRelease:
    label: str
    value: float
    epsilon: float


def _calibrate(make: Callable[[float], Any], epsilon: float) -> Any:
    scale = dp.binary_search_param(make, d_in=1, d_out=epsilon)
    return make(scale)


def _count_measurement(epsilon: float) -> Any:
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.symmetric_distance()
    return _calibrate(lambda s: space >> dp.t.then_count() >> dp.m.then_laplace(s), epsilon)


def _sum_measurement(epsilon: float, bounds: tuple[float, float]) -> Any:
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.symmetric_distance()

    def make(scale: float) -> Any:
        clamped_sum = space >> dp.t.then_clamp(bounds) >> dp.t.then_sum()  # type: ignore[no-untyped-call]
        return clamped_sum >> dp.m.then_laplace(scale)

    return _calibrate(make, epsilon)


def _certified(measurement: Any) -> float:
    return float(measurement.map(d_in=1))


def dp_count(
    rows: Sequence[object], epsilon: float, budget: PrivacyBudget, label: str, at: datetime
) -> tuple[DPRelease, PrivacyBudget]:
    """A noisy count of ``rows`` (one row per person), never below zero."""
    measurement = _count_measurement(epsilon)
    spent = _certified(measurement)
    budget = budget.charge(label, spent, at)
    noisy = measurement([1] * len(rows))
    return DPRelease(label, float(max(0, noisy)), spent), budget


def dp_mean(
    values: Sequence[float],
    bounds: tuple[float, float],
    epsilon: float,
    budget: PrivacyBudget,
    label: str,
    at: datetime,
) -> tuple[DPRelease, PrivacyBudget]:
    """A noisy mean of ``values`` clamped to ``bounds``, spending ``epsilon`` in total."""
    lower, upper = bounds
    if not lower < upper:
        raise ValueError("bounds must be (lower, upper) with lower < upper")
    count_m = _count_measurement(epsilon / 2)
    sum_m = _sum_measurement(epsilon / 2, (float(lower), float(upper)))
    spent = _certified(count_m) + _certified(sum_m)
    budget = budget.charge(label, spent, at)
    noisy_count = max(1, int(count_m([1] * len(values))))
    noisy_sum = float(sum_m([float(v) for v in values]))
    mean = min(max(noisy_sum / noisy_count, lower), upper)
    return DPRelease(label, mean, spent), budget
