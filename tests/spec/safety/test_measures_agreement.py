"""Safety and measurement agree on every risk item (a disagreement is a missed risk).

Measurement raises a ``risk_flag`` from its instrument files; safety raises signals from its own
rule set. This contract test walks every risk item of every instrument at every allowed score and
requires both to say the same thing, and requires the C-SSRS triage levels to match exactly.
"""

from __future__ import annotations

import itertools

import pytest

from withcare.domain.measures import Instrument, all_instruments, score
from withcare.domain.safety.instrument_risk import (
    CssrsLevel,
    cssrs_screener_level,
    evaluate_instrument_risk,
    has_risk_rules,
)

RISK_INSTRUMENTS = [i for i in all_instruments() if i.risk_items]


def baseline(instrument: Instrument) -> list[int | None]:
    return [min(item.allowed_scores) for item in instrument.items]


def test_every_instrument_with_risk_items_has_safety_rules() -> None:
    assert RISK_INSTRUMENTS, "measurement should declare risk items"
    missing = [i.id for i in RISK_INSTRUMENTS if not has_risk_rules(i.id)]
    assert missing == []


@pytest.mark.parametrize("instrument", RISK_INSTRUMENTS, ids=lambda i: i.id)
def test_risk_flag_and_safety_signals_agree_on_every_risk_answer(instrument: Instrument) -> None:
    for number in instrument.risk_items:
        for value in instrument.item(number).allowed_scores:
            responses = baseline(instrument)
            responses[number - 1] = value
            result = score(instrument.id, responses)
            signals = evaluate_instrument_risk(instrument.id, list(result.item_scores))
            raised = any(signal.shows_crisis_page for signal in signals)
            assert raised == result.risk_flag, (instrument.id, number, value)


CSSRS_TO_MEASURES = {
    CssrsLevel.NONE: "none",
    CssrsLevel.LOW: "low_risk",
    CssrsLevel.MODERATE: "moderate_risk",
    CssrsLevel.HIGH: "high_risk",
}


def test_cssrs_triage_matches_measurement_for_every_answer_pattern() -> None:
    for q1, q2, q3, q4, q5, q6 in itertools.product(
        (0, 1), (0, 1), (0, 1), (0, 1), (0, 1), (0, 1, 2)
    ):
        responses: list[int | None] = [q1, q2, q3, q4, q5, q6]
        if q2 == 0:
            if (q3, q4, q5) != (0, 0, 0):
                continue  # not reachable under the skip logic
            responses[2:5] = [None, None, None]
        result = score("cssrs_screener", responses)
        level = cssrs_screener_level(responses)
        assert CSSRS_TO_MEASURES[level] == result.severity, responses
