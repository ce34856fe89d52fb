from __future__ import annotations

import pytest

from withcare.domain.registry.outcomes import MIN_PEOPLE, PersonOutcome, summarise_outcomes


def people(
    improved: int, not_improved: int, recovered: int = 0, not_recovered: int = 0
) -> list[PersonOutcome]:
    out = [PersonOutcome(True, None) for _ in range(improved)]
    out += [PersonOutcome(False, None) for _ in range(not_improved)]
    out += [PersonOutcome(None, True) for _ in range(recovered)]
    out += [PersonOutcome(None, False) for _ in range(not_recovered)]
    return out


def test_fewer_than_the_threshold_shows_nothing() -> None:
    summary = summarise_outcomes(people(5, MIN_PEOPLE - 6))
    assert not summary.enough_people
    assert summary.people is None
    assert summary.reliable_improvement.count is None
    assert "Fewer than 10" in summary.plain_language


def test_rates_are_shown_when_every_cell_is_large_enough() -> None:
    summary = summarise_outcomes(people(12, 18, 10, 10))
    assert summary.people == 50
    assert summary.reliable_improvement.count == 12
    assert summary.reliable_improvement.denominator == 30
    assert summary.reliable_improvement.percent == 40.0
    assert summary.recovery.percent == 50.0
    assert "12 of 30 (40.0%)" in summary.plain_language


@pytest.mark.parametrize(("improved", "not_improved"), [(3, 40), (40, 3)])
def test_small_cells_and_small_complements_are_suppressed(improved: int, not_improved: int) -> None:
    rate = summarise_outcomes(people(improved, not_improved)).reliable_improvement
    assert rate.suppressed
    assert rate.count is None
    assert rate.denominator is None


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="threshold"):
        summarise_outcomes([], threshold=0)
