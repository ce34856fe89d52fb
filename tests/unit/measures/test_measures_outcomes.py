"""NHS Talking Therapies course outcomes and Jacobson-Truax change, worked by hand."""

from __future__ import annotations

import math

import pytest

from withcare.domain.measures.change import (
    ChangeCategory,
    NoPublishedNormsError,
    cutoff_a,
    cutoff_b,
    cutoff_c,
    jacobson_truax,
    reliable_change_index,
    standard_error_of_difference,
    standard_error_of_measurement,
)
from withcare.domain.measures.outcomes import (
    OutcomeInputError,
    PairedMeasure,
    anxiety_measure,
    course_outcome,
    depression_measure,
)

NHS_TT = "NHS Digital IAPT outcomes; Clark et al. 2018; NHS England analytics SQL"

# phq9_first, phq9_last, gad7_first, gad7_last ->
# at_caseness_start, recovered, reliable_improvement, reliable_recovery, reliable_deterioration
OUTCOMES = [
    ((15, 5, 12, 4), (True, True, True, True, False)),  # classic reliable recovery
    ((10, 9, 5, 5), (True, True, False, False, False)),  # recovered, change not reliable
    ((9, 9, 8, 7), (True, True, False, False, False)),  # case on GAD-7 only (>= 8)
    ((9, 3, 7, 7), (False, False, True, False, False)),  # not a case; reliable improvement
    ((9, 9, 7, 7), (False, False, False, False, False)),
    ((20, 14, 15, 15), (True, False, True, False, False)),  # fall of exactly 6 is reliable
    ((20, 15, 15, 12), (True, False, False, False, False)),  # falls of 5 and 3 are not
    ((20, 9, 7, 11), (True, False, False, False, False)),  # better on one, worse on the other
    ((12, 18, 10, 10), (True, False, False, False, True)),  # rise of exactly 6
    ((5, 5, 3, 7), (False, False, False, False, True)),  # GAD-7 rise of exactly 4
    ((14, 9, 10, 8), (True, False, False, False, False)),  # GAD-7 still at caseness (8)
    ((27, 0, 21, 0), (True, True, True, True, False)),
    ((0, 27, 0, 21), (False, False, False, False, True)),
]


@pytest.mark.parametrize(("scores", "expected"), OUTCOMES)
def test_nhs_talking_therapies_outcomes(
    scores: tuple[int, int, int, int], expected: tuple[bool, ...]
) -> None:
    outcome = course_outcome(*scores)
    assert (
        outcome.at_caseness_start,
        outcome.recovered,
        outcome.reliable_improvement,
        outcome.reliable_recovery,
        outcome.reliable_deterioration,
    ) == expected, NHS_TT


def test_thresholds_come_from_the_data_files() -> None:
    assert (depression_measure().caseness, depression_measure().reliable_change) == (10, 6)
    assert (anxiety_measure().caseness, anxiety_measure().reliable_change) == (8, 4)


def test_another_anxiety_measure_uses_its_own_threshold() -> None:
    measure = PairedMeasure("other", caseness=19, reliable_change=10, minimum=0, maximum=68)
    outcome = course_outcome(5, 5, 30, 18, anxiety=measure)
    assert outcome.at_caseness_start
    assert outcome.recovered
    assert outcome.reliable_recovery


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ((None, 5, 5, 5), "phq9_first is missing"),
        ((5, 28, 5, 5), "phq9_last: 28 is outside the allowed range 0-27"),
        ((5, 5, "7", 5), "gad7_first: '7' is not a whole number"),
        ((5, 5, 5, True), "gad7_last: True is not a whole number"),
    ],
)
def test_bad_inputs_are_named(scores: tuple[object, object, object, object], message: str) -> None:
    with pytest.raises(OutcomeInputError, match=message):
        course_outcome(*scores)


def test_jacobson_truax_formulas() -> None:
    # SD 10, reliability .84: SE = 10 x 0.4 = 4; S_diff = sqrt(32) = 5.657
    sem = standard_error_of_measurement(10, 0.84)
    assert sem == pytest.approx(4.0)
    s_diff = standard_error_of_difference(sem)
    assert s_diff == pytest.approx(math.sqrt(32))
    assert reliable_change_index(30, 18, s_diff) == pytest.approx(-12 / math.sqrt(32))
    # Dysfunctional 30 (SD 6), functional 10 (SD 4); lower is better.
    assert cutoff_a(30, 6, higher_is_better=False) == 18
    assert cutoff_b(10, 4, higher_is_better=False) == 18
    assert cutoff_c(30, 6, 10, 4) == pytest.approx((4 * 30 + 6 * 10) / 10)
    assert cutoff_a(30, 6, higher_is_better=True) == 42
    with pytest.raises(ValueError, match="reliability"):
        standard_error_of_measurement(10, 1.5)


@pytest.mark.parametrize(
    ("instrument", "pre", "post", "category", "significant"),
    [
        ("phq9", 16, 9, ChangeCategory.RECOVERED, True),  # fall 7, crosses 10
        ("phq9", 25, 19, ChangeCategory.IMPROVED, False),  # fall 6, stays >= 10
        ("phq9", 12, 7, ChangeCategory.UNCHANGED, False),  # fall 5 is not reliable
        ("phq9", 4, 10, ChangeCategory.DETERIORATED, False),
        ("gad7", 12, 7, ChangeCategory.RECOVERED, True),  # fall 5 >= 4, crosses 8
        ("gad7", 8, 5, ChangeCategory.UNCHANGED, False),
        ("pcl5", 50, 40, ChangeCategory.IMPROVED, False),  # fall 10, stays >= 33
        ("pcl5", 40, 31, ChangeCategory.UNCHANGED, False),  # fall 9 < 10
    ],
)
def test_jacobson_truax_with_published_thresholds(
    instrument: str, pre: int, post: int, category: ChangeCategory, significant: bool
) -> None:
    change = jacobson_truax(instrument, pre, post)
    assert change.category is category
    assert change.clinically_significant is significant
    assert change.change == post - pre


def test_instruments_without_published_norms_say_so() -> None:
    with pytest.raises(NoPublishedNormsError, match="K10"):
        jacobson_truax("k10", 20, 5)


def test_a_fall_of_exactly_the_threshold_between_fractional_totals_is_reliable() -> None:
    # pro-rated CORE-10 totals are fractions; 16.9 - 10.9 is 5.999... in binary floating point
    assert jacobson_truax("core10", 16.9, 10.9).reliable
    assert not jacobson_truax("core10", 16.9, 11.0).reliable
