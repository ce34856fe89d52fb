"""Equity comparison: gaps flagged, small groups shown as suppressed and compared together."""

from __future__ import annotations

import pytest

from withcare.insights.disclosure import CellStatus
from withcare.insights.engine import InMemoryEngine, PersonRecord, equity_report, published_counts
from withcare.insights.equity import (
    COMBINED_SMALL_GROUPS,
    NOT_RECORDED,
    EquityDimension,
    Gap,
    GroupCounts,
    compare_rates,
    gap,
)


def test_a_real_gap_is_flagged_and_a_small_difference_is_not() -> None:
    comparison = compare_rates(
        EquityDimension.LANGUAGE,
        {
            "English": GroupCounts(500, 1000),
            "Welsh": GroupCounts(60, 200),
            "Polish": GroupCounts(40, 85),
        },
    )
    rows = {r.group: r for r in comparison.rows}
    assert rows["Welsh"].gap is Gap.LOWER
    assert rows["English"].gap is Gap.HIGHER
    assert rows["Polish"].gap is Gap.NONE
    assert {r.group for r in comparison.flagged} == {"Welsh", "English"}


def test_gap_needs_both_size_and_significance() -> None:
    assert gap(GroupCounts(12, 20), GroupCounts(3000, 10000)) is Gap.HIGHER
    assert gap(GroupCounts(1300, 2600), GroupCounts(5300, 10000)) is Gap.NONE  # 3 points only
    assert gap(GroupCounts(6, 10), GroupCounts(5, 10)) is Gap.NONE  # large but not significant
    assert gap(GroupCounts(0, 0), GroupCounts(5, 10)) is Gap.NOT_TESTABLE


def test_small_groups_are_shown_suppressed_and_their_gap_is_still_flagged_together() -> None:
    comparison = compare_rates(
        EquityDimension.ETHNICITY,
        {
            "White": GroupCounts(300, 600),
            "Black": GroupCounts(2, 30),
            "Asian": GroupCounts(3, 25),
            "Mixed": GroupCounts(1, 8),
        },
    )
    assert set(comparison.suppressed_groups) == {"Black", "Asian", "Mixed"}
    for row in comparison.rows:
        if row.suppressed:
            assert row.numerator.value is None
            assert row.denominator.value is None
            assert row.gap is Gap.NOT_SHOWN
    combined = comparison.combined_small_groups
    assert combined is not None
    assert combined.group == COMBINED_SMALL_GROUPS
    assert combined.gap is Gap.LOWER
    assert combined.numerator.value is None  # 6 people: still too few to show
    assert combined in comparison.flagged


def test_the_combined_row_shows_its_counts_when_they_are_large_enough() -> None:
    comparison = compare_rates(
        EquityDimension.DISABILITY,
        {"no": GroupCounts(300, 600), "yes": GroupCounts(8, 40), "prefer not": GroupCounts(9, 30)},
    )
    combined = comparison.combined_small_groups
    assert combined is not None
    assert (combined.numerator.value, combined.denominator.value) == (15, 70)
    assert combined.gap is Gap.LOWER


def test_a_single_small_group_takes_the_smallest_other_group_with_it() -> None:
    comparison = compare_rates(
        EquityDimension.GENDER,
        {"woman": GroupCounts(200, 400), "man": GroupCounts(150, 300), "other": GroupCounts(3, 7)},
    )
    rows = {r.group: r for r in comparison.rows}
    assert rows["other"].denominator.status is CellStatus.SUPPRESSED_SMALL
    assert rows["man"].denominator.status is CellStatus.SUPPRESSED_SECONDARY
    assert rows["woman"].denominator.value == 400


def test_published_rates_come_from_rounded_counts() -> None:
    comparison = compare_rates("x", {"a": GroupCounts(23, 101), "b": GroupCounts(40, 99)})
    row = comparison.rows[0]
    assert row.rate == pytest.approx(25 / 100)


def test_engine_puts_missing_attributes_in_not_recorded_and_skips_unknown_outcomes() -> None:
    records = [PersonRecord({"age_band": "18-25"}, {"recovered": i % 2 == 0}) for i in range(30)]
    records += [PersonRecord({}, {"recovered": True}) for _ in range(20)]
    records += [PersonRecord({"age_band": "18-25"}, {}) for _ in range(5)]
    engine = InMemoryEngine(records)
    assert engine.counts_by("age_band") == {"18-25": 35, NOT_RECORDED: 20}
    report = equity_report(engine, "age_band", "recovered")
    rows = {r.group: r for r in report.rows}
    assert rows["18-25"].denominator.value == 30
    assert rows[NOT_RECORDED].numerator.value == 20
    assert rows[NOT_RECORDED].gap is Gap.HIGHER  # 100% against 50%
    assert published_counts(engine, "age_band").total.value == 55
