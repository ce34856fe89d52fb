"""Jacobson-Truax reliable and clinically significant change for one person.

A fall in a score can be measurement noise. Jacobson & Truax (1991) ask two questions: is the
change bigger than the instrument's error of measurement would produce (reliable change), and has
the person moved from the dysfunctional to the functional range (clinically significant change)?
Both need published values for the instrument, which live in the ``[change]`` section of its data
file; an instrument without them gets a clear error rather than an invented threshold.

Conventions: change is ``post - pre``. With a published raw-score threshold (NHS Talking Therapies:
PHQ-9 6, GAD-7 4) change is reliable when its size is at least the threshold, as the NHS publishes
it. With norms instead, ``RC = change / S_diff`` and change is reliable when ``|RC| > 1.96``. A
person is "at caseness"/in the dysfunctional range at or beyond the cut-off, as in NHS Talking
Therapies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from withcare.domain.measures.loader import load_instrument
from withcare.domain.measures.model import Change, Instrument

Z_95 = 1.96
"""Two-sided 5 % criterion for reliable change (Jacobson & Truax 1991)."""


class NoPublishedNormsError(ValueError):
    """The instrument's data file has no published values for judging change."""


class ChangeCategory(StrEnum):
    RECOVERED = "recovered"  # reliable improvement and crossed the cut-off
    IMPROVED = "improved"  # reliable improvement without crossing
    UNCHANGED = "unchanged"
    DETERIORATED = "deteriorated"


@dataclass(frozen=True)
class ReliableChange:
    instrument: str
    pre: float
    post: float
    change: float
    threshold: float
    rci: float | None
    reliable: bool
    improved: bool
    deteriorated: bool
    cutoff: float | None
    clinically_significant: bool | None
    category: ChangeCategory


def standard_error_of_measurement(sd: float, reliability: float) -> float:
    """``SE = s1 * sqrt(1 - r_xx)``."""
    if not 0 <= reliability <= 1 or sd < 0:
        raise ValueError("reliability must lie in [0, 1] and the SD must not be negative")
    return sd * math.sqrt(1 - reliability)


def standard_error_of_difference(sem: float) -> float:
    """``S_diff = sqrt(2 * SE^2)``."""
    return math.sqrt(2 * sem**2)


def reliable_change_index(pre: float, post: float, s_diff: float) -> float:
    """``RC = (post - pre) / S_diff``."""
    if s_diff <= 0:
        raise ValueError("S_diff must be positive")
    return (post - pre) / s_diff


def cutoff_a(mean_dysfunctional: float, sd_dysfunctional: float, higher_is_better: bool) -> float:
    """Two SDs beyond the dysfunctional mean, towards health."""
    sign = 1 if higher_is_better else -1
    return mean_dysfunctional + sign * 2 * sd_dysfunctional


def cutoff_b(mean_functional: float, sd_functional: float, higher_is_better: bool) -> float:
    """Within two SDs of the functional mean, towards illness."""
    sign = -1 if higher_is_better else 1
    return mean_functional + sign * 2 * sd_functional


def cutoff_c(
    mean_dysfunctional: float, sd_dysfunctional: float, mean_functional: float, sd_functional: float
) -> float:
    """The point closer to the functional mean than the dysfunctional one, weighted by the SDs."""
    return (sd_functional * mean_dysfunctional + sd_dysfunctional * mean_functional) / (
        sd_functional + sd_dysfunctional
    )


def _s_diff(change: Change) -> float | None:
    if change.sem is not None:
        return standard_error_of_difference(change.sem)
    if change.sd_pre is not None and change.reliability is not None:
        return standard_error_of_difference(
            standard_error_of_measurement(change.sd_pre, change.reliability)
        )
    return None


def _cutoff(change: Change) -> float | None:
    if change.clinical_cutoff is not None:
        return change.clinical_cutoff
    norms = (
        change.mean_dysfunctional,
        change.sd_dysfunctional,
        change.mean_functional,
        change.sd_functional,
    )
    if any(value is None for value in norms):
        return None
    m_dys, sd_dys, m_func, sd_func = (float(value or 0) for value in norms)
    return cutoff_c(m_dys, sd_dys, m_func, sd_func)


def has_change_norms(instrument: Instrument) -> bool:
    """True when the data file gives enough to judge reliable change."""
    change = instrument.change
    return change is not None and (
        change.reliable_change is not None or _s_diff(change) is not None
    )


def in_dysfunctional_range(instrument: Instrument, score: float, cutoff: float) -> bool:
    return score < cutoff if instrument.higher_is_better else score >= cutoff


def jacobson_truax(instrument_id: str, pre: float, post: float) -> ReliableChange:
    """Reliable and clinically significant change between two totals on the same instrument."""
    instrument = load_instrument(instrument_id)
    change = instrument.change
    if change is None or not has_change_norms(instrument):
        raise NoPublishedNormsError(
            f"{instrument.short_name} has no published reliable-change values in its data file"
        )
    difference = post - pre
    s_diff = _s_diff(change)
    rci = None if s_diff is None else reliable_change_index(pre, post, s_diff)
    if change.reliable_change is not None:
        threshold = change.reliable_change
        # rounded: pro-rated totals are fractions, and 16.9 - 10.9 must count as a fall of 6
        reliable = round(abs(difference), 9) >= threshold
    else:
        assert s_diff is not None  # guaranteed by has_change_norms
        assert rci is not None
        threshold = Z_95 * s_diff
        reliable = abs(rci) > Z_95
    better = difference > 0 if instrument.higher_is_better else difference < 0
    improved = reliable and better
    deteriorated = reliable and not better
    cutoff = _cutoff(change)
    crossed: bool | None = None
    if cutoff is not None:
        crossed = in_dysfunctional_range(instrument, pre, cutoff) and not in_dysfunctional_range(
            instrument, post, cutoff
        )
    if improved:
        category = ChangeCategory.RECOVERED if crossed else ChangeCategory.IMPROVED
    elif deteriorated:
        category = ChangeCategory.DETERIORATED
    else:
        category = ChangeCategory.UNCHANGED
    return ReliableChange(
        instrument=instrument.id,
        pre=pre,
        post=post,
        change=difference,
        threshold=threshold,
        rci=rci,
        reliable=reliable,
        improved=improved,
        deteriorated=deteriorated,
        cutoff=cutoff,
        clinically_significant=None if crossed is None else improved and crossed,
        category=category,
    )
