"""Small-number suppression, secondary suppression and rounding on concrete tables."""

from __future__ import annotations

import pytest

from withcare.insights.disclosure import (
    ROUNDING_BASE,
    SUPPRESSION_THRESHOLD,
    CellStatus,
    protect_counts,
    round_count,
)


def test_the_constants_are_the_documented_ones() -> None:
    assert (SUPPRESSION_THRESHOLD, ROUNDING_BASE) == (10, 5)


@pytest.mark.parametrize(
    ("count", "rounded"), [(0, 0), (10, 10), (12, 10), (13, 15), (17, 15), (18, 20), (102, 100)]
)
def test_rounding_to_the_nearest_five(count: int, rounded: int) -> None:
    assert round_count(count) == rounded


def test_a_single_small_cell_brings_a_second_one_down_with_it() -> None:
    table = protect_counts({"16-24": 4, "25-44": 130, "45-64": 58, "65+": 21})
    assert table.cells["16-24"].status is CellStatus.SUPPRESSED_SMALL
    assert table.cells["65+"].status is CellStatus.SUPPRESSED_SECONDARY
    assert table.cells["25-44"].value == 130
    assert table.cells["45-64"].value == 60
    assert table.total.value == 215
    assert table.suppressed == {"16-24", "65+"}


def test_two_small_cells_need_no_secondary_suppression() -> None:
    table = protect_counts({"a": 3, "b": 5, "c": 40})
    assert table.suppressed == {"a", "b"}
    assert table.cells["c"].status is CellStatus.PUBLISHED


def test_zeros_are_published_and_never_count_as_protection() -> None:
    table = protect_counts({"a": 3, "b": 0, "c": 40, "d": 25})
    assert table.cells["b"].value == 0
    assert table.cells["d"].status is CellStatus.SUPPRESSED_SECONDARY


def test_a_small_total_hides_everything_but_zeros() -> None:
    table = protect_counts({"a": 3, "b": 0, "c": 4})
    assert table.total.status is CellStatus.SUPPRESSED_SMALL
    assert table.cells["a"].value is None
    assert table.cells["b"].value == 0


def test_a_lone_small_cell_next_to_only_zeros_hides_a_zero() -> None:
    table = protect_counts({"a": 12, "b": 0})
    assert table.suppressed == set()
    table = protect_counts({"a": 5, "b": 0, "c": 30})
    assert table.suppressed == {"a", "c"}


def test_every_group_appears_even_when_hidden() -> None:
    counts = {"w": 1, "x": 2, "y": 300}
    assert set(protect_counts(counts).cells) == set(counts)


def test_negative_counts_are_a_bug() -> None:
    with pytest.raises(ValueError, match="negative"):
        protect_counts({"a": -1, "b": 20})
