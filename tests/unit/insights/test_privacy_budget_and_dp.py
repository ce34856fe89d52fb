"""The privacy-budget ledger and the OpenDP releases charged to it."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime

import pytest

from withcare.insights.dp import dp_count, dp_mean
from withcare.insights.privacy_budget import PrivacyBudget, PrivacyBudgetExceeded

AT = datetime(2026, 4, 1, tzinfo=UTC)


def test_the_ledger_refuses_a_charge_beyond_its_budget_and_records_the_rest() -> None:
    budget = PrivacyBudget(1.0).charge("a", 0.4, AT).charge("b", 0.6, AT)
    assert budget.spent == pytest.approx(1.0)
    with pytest.raises(PrivacyBudgetExceeded, match="'c' needs epsilon"):
        budget.charge("c", 1e-9, AT)
    assert [e.label for e in budget.entries] == ["a", "b"]


@pytest.mark.parametrize("bad", [0.0, -1.0, float("inf"), float("nan")])
def test_epsilons_must_be_positive_and_finite(bad: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        PrivacyBudget(1.0).charge("x", bad, AT)
    with pytest.raises(ValueError, match="positive"):
        PrivacyBudget(bad)


def test_dp_count_is_noisy_near_the_truth_and_charges_the_certified_loss() -> None:
    budget = PrivacyBudget(100.0)
    releases = []
    for i in range(40):
        release, budget = dp_count(list(range(200)), 1.0, budget, f"count {i}", AT)
        assert release.epsilon <= 1.0 + 1e-9
        releases.append(release.value)
    assert len(set(releases)) > 1
    assert abs(statistics.median(releases) - 200) <= 3
    assert budget.spent == pytest.approx(sum(e.epsilon for e in budget.entries))
    assert len(budget.entries) == 40


def test_dp_mean_clamps_to_bounds_and_is_near_the_truth() -> None:
    values = [float(v % 28) for v in range(2000)]
    release, budget = dp_mean(values, (0.0, 27.0), 2.0, PrivacyBudget(2.0), "mean PHQ-9", AT)
    assert abs(release.value - statistics.mean(values)) < 1.0
    assert 0.0 <= release.value <= 27.0
    assert budget.spent <= 2.0


def test_a_refused_release_spends_nothing() -> None:
    budget = PrivacyBudget(0.5)
    with pytest.raises(PrivacyBudgetExceeded):
        dp_count([1, 2, 3], 1.0, budget, "too much", AT)
    assert budget.spent == 0
    with pytest.raises(ValueError, match="bounds"):
        dp_mean([1.0], (5.0, 1.0), 0.1, budget, "bad bounds", AT)
