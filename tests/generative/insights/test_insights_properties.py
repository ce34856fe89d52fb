"""Property tests on the privacy guarantees of withcare.insights.

* no published count lies between 1 and the threshold, and every group appears;
* a table with a published total never hides exactly one cell (no recovery by subtraction);
* equity rows never publish a small numerator or complement, and never hide exactly one group;
* the SQL engine agrees with the in-memory reference engine;
* the privacy budget is never exceeded, whatever sequence of releases is asked for.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from withcare.insights.disclosure import (
    SUPPRESSION_THRESHOLD,
    CellStatus,
    protect_counts,
    round_count,
)
from withcare.insights.dp import dp_count
from withcare.insights.duckdb_engine import DuckDBEngine
from withcare.insights.engine import InMemoryEngine, PersonRecord
from withcare.insights.equity import GroupCounts, compare_rates
from withcare.insights.privacy_budget import PrivacyBudget, PrivacyBudgetExceeded

AT = datetime(2026, 4, 1, tzinfo=UTC)
counts = st.one_of(st.integers(0, 15), st.integers(0, 400))
tables = st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3), counts, max_size=8)


@settings(max_examples=300)
@given(tables)
def test_no_published_cell_is_below_the_threshold_and_no_group_disappears(
    table: dict[str, int],
) -> None:
    protected = protect_counts(table)
    assert set(protected.cells) == set(table)
    for key, cell in protected.cells.items():
        if cell.status is CellStatus.PUBLISHED:
            assert cell.value == round_count(table[key])
            assert cell.value == 0 or cell.value >= SUPPRESSION_THRESHOLD
            assert table[key] == 0 or table[key] >= SUPPRESSION_THRESHOLD
        else:
            assert cell.value is None
    if protected.total.value is not None:
        assert protected.total.value == 0 or protected.total.value >= SUPPRESSION_THRESHOLD


@settings(max_examples=300)
@given(tables)
def test_a_published_total_never_leaves_exactly_one_cell_hidden(table: dict[str, int]) -> None:
    protected = protect_counts(table)
    if protected.total.status is CellStatus.PUBLISHED:
        assert len(protected.suppressed) != 1
    small = {k for k, n in table.items() if 0 < n < SUPPRESSION_THRESHOLD}
    assert small <= protected.suppressed


groups = st.dictionaries(
    st.text("abcdef", min_size=1, max_size=2),
    st.tuples(counts, counts).map(lambda t: GroupCounts(min(t), max(t))),
    max_size=7,
)


@settings(max_examples=300)
@given(groups)
def test_equity_rows_never_publish_small_numbers_and_never_hide_one_group_alone(
    table: dict[str, GroupCounts],
) -> None:
    comparison = compare_rates("dimension", table)
    assert [r.group for r in comparison.rows] == list(table)
    for row in comparison.rows:
        true = table[row.group]
        if not row.suppressed:
            for n in (true.numerator, true.denominator - true.numerator):
                assert n == 0 or n >= SUPPRESSION_THRESHOLD
            assert row.numerator.value == round_count(true.numerator)
        else:
            assert row.numerator.value is None
            assert row.denominator.value is None
    hidden = comparison.suppressed_groups
    if comparison.overall.denominator.value is not None:
        assert len(hidden) != 1
        assert (comparison.combined_small_groups is not None) == (len(hidden) >= 2)


records = st.lists(
    st.builds(
        PersonRecord,
        attributes=st.dictionaries(
            st.sampled_from(["age_band", "gender", "language"]),
            st.one_of(st.none(), st.just(""), st.sampled_from(["x", "y", "z", 'q"uote'])),
        ),
        outcomes=st.dictionaries(
            st.sampled_from(["recovered", "engaged"]), st.one_of(st.none(), st.booleans())
        ),
    ),
    max_size=40,
)


@settings(max_examples=50, deadline=None)
@given(records, st.sampled_from(["age_band", "gender", "language", "unknown"]))
def test_the_duckdb_engine_agrees_with_the_reference_engine(
    people: list[PersonRecord], dimension: str
) -> None:
    reference, sql = InMemoryEngine(people), DuckDBEngine(people)
    assert sql.counts_by(dimension) == reference.counts_by(dimension)
    for outcome in ("recovered", "engaged", "never"):
        assert sql.outcome_counts_by(dimension, outcome) == reference.outcome_counts_by(
            dimension, outcome
        )


epsilons = st.floats(min_value=1e-6, max_value=2.0, allow_nan=False, allow_infinity=False)


@settings(max_examples=300)
@given(st.floats(min_value=0.01, max_value=5.0), st.lists(epsilons, max_size=40))
def test_the_ledger_never_exceeds_its_budget(total: float, requests: list[float]) -> None:
    budget = PrivacyBudget(total)
    for i, epsilon in enumerate(requests):
        affordable = math.fsum([budget.spent, epsilon]) <= total
        try:
            budget = budget.charge(f"q{i}", epsilon, AT)
            assert affordable
        except PrivacyBudgetExceeded:
            assert not affordable
        assert budget.spent <= total


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(min_value=0.05, max_value=1.0), min_size=1, max_size=8))
def test_dp_releases_stop_when_the_budget_is_spent(requests: list[float]) -> None:
    budget = PrivacyBudget(1.5)
    released = 0
    for i, epsilon in enumerate(requests):
        try:
            _, budget = dp_count([0] * 50, epsilon, budget, f"count {i}", AT)
            released += 1
        except PrivacyBudgetExceeded:
            pass
        assert budget.spent <= 1.5
    assert len(budget.entries) == released
