"""Equity: compare a rate (access, engagement, recovery, ...) across groups, with gaps flagged (P5).

For one dimension (age band, gender, ethnicity, ...), each group's rate is compared with the rate
of everyone else. A gap is flagged when it is both large enough to matter (``MIN_GAP``) and
unlikely to be chance (two-proportion z-test, ``|z| >= Z_CRITICAL``).

Small numbers are handled without hiding anyone:

* a group whose numerator or complement (denominator minus numerator) is small is *shown as
  suppressed* with the reason, never dropped; people whose attribute was not recorded form their
  own group (``NOT_RECORDED``);
* secondary suppression hides a second group when only one would be hidden (see
  :mod:`withcare.insights.disclosure`);
* the suppressed groups are then compared *together* as one combined row, so a gap affecting small
  groups is still flagged. That row's counts reveal nothing new (they equal the published total
  minus the published groups); if they are themselves small they are hidden, and only the
  direction of the gap (one bit about two or more groups together) is shown.

Published counts are rounded; published rates are computed from the rounded counts, so they carry
no more information than the counts. Gap flags use the true counts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from withcare.insights.disclosure import (
    Cell,
    CellStatus,
    is_small,
    secondary_suppression,
)

MIN_GAP = 0.05
"""A difference in rate smaller than five percentage points is not flagged, however certain."""
Z_CRITICAL = 1.96
"""Two-sided 5% significance for the two-proportion z-test."""
NOT_RECORDED = "not recorded"
COMBINED_SMALL_GROUPS = "small groups combined"


class EquityDimension(StrEnum):
    AGE_BAND = "age_band"
    GENDER = "gender"
    ETHNICITY = "ethnicity"
    DEPRIVATION = "deprivation"
    LANGUAGE = "language"
    DISABILITY = "disability"
    DIGITAL_ACCESS = "digital_access"


@dataclass(frozen=True)
class GroupCounts:
    """True counts for one group: how many had the outcome (numerator) out of how many."""

    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        if not 0 <= self.numerator <= self.denominator:
            raise ValueError("need 0 <= numerator <= denominator")

    def __add__(self, other: GroupCounts) -> GroupCounts:
        return GroupCounts(self.numerator + other.numerator, self.denominator + other.denominator)

    @property
    def is_small(self) -> bool:
        return is_small(self.numerator) or is_small(self.denominator - self.numerator)


class Gap(StrEnum):
    LOWER = "lower"
    HIGHER = "higher"
    NONE = "none"
    NOT_SHOWN = "not_shown"
    """Suppressed group: its gap is reported through the combined row instead."""
    NOT_TESTABLE = "not_testable"
    """Nobody to compare with, or nobody in the group."""


@dataclass(frozen=True)
class GroupRow:
    group: str
    numerator: Cell
    denominator: Cell
    gap: Gap

    @property
    def suppressed(self) -> bool:
        return self.denominator.status.suppressed

    @property
    def rate(self) -> float | None:
        """The rate from the published (rounded) counts; None when hidden or empty."""
        if self.numerator.value is None or not self.denominator.value:
            return None
        return self.numerator.value / self.denominator.value


@dataclass(frozen=True)
class EquityComparison:
    dimension: str
    rows: tuple[GroupRow, ...]
    combined_small_groups: GroupRow | None
    overall: GroupRow

    @property
    def suppressed_groups(self) -> tuple[str, ...]:
        return tuple(r.group for r in self.rows if r.suppressed)

    @property
    def flagged(self) -> tuple[GroupRow, ...]:
        rows = [*self.rows, *([self.combined_small_groups] if self.combined_small_groups else [])]
        return tuple(r for r in rows if r.gap in (Gap.LOWER, Gap.HIGHER))


def gap(group: GroupCounts, rest: GroupCounts) -> Gap:
    """Compare one group's rate with everyone else's (two-proportion z-test plus a minimum size)."""
    if group.denominator == 0 or rest.denominator == 0:
        return Gap.NOT_TESTABLE
    p1, p2 = group.numerator / group.denominator, rest.numerator / rest.denominator
    pooled = (group.numerator + rest.numerator) / (group.denominator + rest.denominator)
    se = math.sqrt(pooled * (1 - pooled) * (1 / group.denominator + 1 / rest.denominator))
    difference = p1 - p2
    if abs(difference) < MIN_GAP or se == 0 or abs(difference) / se < Z_CRITICAL:
        return Gap.NONE
    return Gap.LOWER if difference < 0 else Gap.HIGHER


def _rest(counts: GroupCounts, total: GroupCounts) -> GroupCounts:
    return GroupCounts(total.numerator - counts.numerator, total.denominator - counts.denominator)


def _shown(name: str, counts: GroupCounts, gap_: Gap) -> GroupRow:
    return GroupRow(name, Cell.shown(counts.numerator), Cell.shown(counts.denominator), gap_)


def _hidden(name: str, status: CellStatus, gap_: Gap = Gap.NOT_SHOWN) -> GroupRow:
    return GroupRow(name, Cell.hidden(status), Cell.hidden(status), gap_)


def compare_rates(dimension: str, groups: Mapping[str, GroupCounts]) -> EquityComparison:
    """Every group of ``groups`` appears in the result, published or shown as suppressed."""
    total = sum(groups.values(), GroupCounts(0, 0))
    overall_shown = not total.is_small
    small = {name for name, counts in groups.items() if counts.is_small or not overall_shown}
    sizes = {name: counts.denominator for name, counts in groups.items()}
    secondary = secondary_suppression(sizes, small) if overall_shown else set()
    hidden = small | secondary
    rows = []
    for name, counts in groups.items():
        if name in small:
            rows.append(_hidden(name, CellStatus.SUPPRESSED_SMALL))
        elif name in secondary:
            rows.append(_hidden(name, CellStatus.SUPPRESSED_SECONDARY))
        else:
            rows.append(_shown(name, counts, gap(counts, _rest(counts, total))))
    combined = None
    if overall_shown and len(hidden) >= 2:
        together = sum((groups[name] for name in hidden), GroupCounts(0, 0))
        together_gap = gap(together, _rest(together, total))
        # If even the combined counts are small they stay hidden, but the direction of a gap is
        # still shown: one bit about two or more groups together identifies nobody, and P5
        # forbids hiding the gap itself.
        combined = (
            _hidden(COMBINED_SMALL_GROUPS, CellStatus.SUPPRESSED_SMALL, together_gap)
            if together.is_small
            else _shown(COMBINED_SMALL_GROUPS, together, together_gap)
        )
    overall = (
        _shown("everyone", total, Gap.NOT_TESTABLE)
        if overall_shown
        else _hidden("everyone", CellStatus.SUPPRESSED_SMALL, Gap.NOT_TESTABLE)
    )
    return EquityComparison(dimension, tuple(rows), combined, overall)
