"""One way to show a questionnaire total, on the result page, the charts and the tables."""

from __future__ import annotations

import pytest

from withcare.domain.measures.scoring import score_text


@pytest.mark.parametrize(
    ("total", "shown"),
    [
        (None, ""),
        (0, "0"),
        (14.0, "14"),
        (13.5, "13.5"),
        (13.500000000000002, "13.5"),  # a pro-rated total after float arithmetic
        (40 / 3, "13.3333"),
    ],
)
def test_totals_read_as_people_expect(total: float | None, shown: str) -> None:
    assert score_text(total) == shown
