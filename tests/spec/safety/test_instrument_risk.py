"""Questionnaire risk items raise the signals the rule set promises (P3)."""

from __future__ import annotations

import pytest

from withcare.domain.safety.errors import InvalidResponsesError
from withcare.domain.safety.instrument_risk import (
    CssrsLevel,
    cssrs_screener_level,
    evaluate_instrument_risk,
    has_risk_rules,
    help_now_signal,
)
from withcare.domain.safety.rules import default_rule_set
from withcare.domain.safety.signals import Response, Severity, SignalSource, plan_response


def phq9(item9: int | None) -> list[int | None]:
    return [1, 2, 1, 0, 3, 1, 2, 0, item9]


@pytest.mark.parametrize(
    ("item9", "expected"),
    [(0, None), (1, Severity.MODERATE), (2, Severity.HIGH), (3, Severity.HIGH)],
)
def test_phq9_item9_sets_severity(item9: int, expected: Severity | None) -> None:
    signals = evaluate_instrument_risk("phq9", phq9(item9))
    assert [s.severity for s in signals] == ([] if expected is None else [expected])


def test_phq9_item9_above_zero_shows_crisis_page_and_opens_escalation() -> None:
    (signal,) = evaluate_instrument_risk("phq9", phq9(2))
    assert signal.responses == (Response.SHOW_CRISIS_PAGE, Response.OPEN_ESCALATION)
    assert signal.source is SignalSource.INSTRUMENT
    assert signal.rule_set_version == default_rule_set().version
    assert signal.rule_id == "phq9.item9.frequent"


def test_high_total_without_item9_raises_no_risk_signal() -> None:
    assert evaluate_instrument_risk("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0]) == []


def test_unanswered_risk_item_is_checked_by_a_human_at_low_urgency() -> None:
    (signal,) = evaluate_instrument_risk("phq9", phq9(None))
    assert signal.severity is Severity.LOW
    assert signal.responses == (Response.OPEN_ESCALATION,)


@pytest.mark.parametrize("name", ["PHQ-9", "phq_9", "Phq9", "PHQ9"])
def test_instrument_names_are_folded_so_a_spelling_cannot_hide_risk(name: str) -> None:
    assert [s.severity for s in evaluate_instrument_risk(name, phq9(3))] == [Severity.HIGH]


@pytest.mark.parametrize(("value", "fires"), [(0, False), (1, True), (4, True)])
def test_core10_item6_plans_to_end_life(value: int, fires: bool) -> None:
    responses: list[int | None] = [2, 1, 1, 2, 2, value, 1, 0, 2, 1]
    signals = evaluate_instrument_risk("CORE-10", responses)
    assert [s.severity for s in signals] == ([Severity.HIGH] if fires else [])


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, None), (1, Severity.MODERATE), (2, Severity.HIGH), (3, Severity.HIGH)],
)
def test_epds_item10_thoughts_of_self_harm(value: int, expected: Severity | None) -> None:
    responses: list[int | None] = [1, 1, 2, 1, 1, 2, 1, 1, 0, value]
    signals = evaluate_instrument_risk("epds", responses)
    assert [s.severity for s in signals] == ([] if expected is None else [expected])


def test_instruments_without_risk_items_raise_nothing() -> None:
    assert not has_risk_rules("gad7")
    assert evaluate_instrument_risk("gad7", [3, 3, 3, 3, 3, 3, 3]) == []


@pytest.mark.parametrize(
    "responses",
    [
        [0, 0, 0],  # too short
        [0, 0, 0, 0, 0, 0, 0, 0, 4],  # item 9 out of range
        [0, 0, 0, 0, 0, 0, 0, 0, -1],
        [0, 0, 0, 0, 0, 0, 0, 0, True],  # booleans are not scores
        [0, 0, 0, 0, 0, 0, 0, 0, 1.0],
    ],
)
def test_malformed_responses_are_refused_not_read_as_safe(responses: list[object]) -> None:
    with pytest.raises(InvalidResponsesError):
        evaluate_instrument_risk("phq9", responses)  # type: ignore[arg-type]


# C-SSRS screener: [q1..q6]; q3-q5 null when skipped (q2 = no); q6: 0 no, 1 > 3 months, 2 recent.
CSSRS_TRIAGE = [
    ([0, 0, None, None, None, 0], CssrsLevel.NONE),
    ([1, 0, None, None, None, 0], CssrsLevel.LOW),
    ([1, 1, 0, 0, 0, 0], CssrsLevel.LOW),
    ([1, 1, 1, 0, 0, 0], CssrsLevel.MODERATE),
    ([0, 0, None, None, None, 1], CssrsLevel.MODERATE),
    ([1, 1, 1, 1, 0, 0], CssrsLevel.HIGH),
    ([1, 1, 0, 0, 1, 0], CssrsLevel.HIGH),
    ([0, 0, None, None, None, 2], CssrsLevel.HIGH),
    ([1, 1, 1, 0, 0, 1], CssrsLevel.MODERATE),
]


@pytest.mark.parametrize(("responses", "level"), CSSRS_TRIAGE)
def test_cssrs_screener_follows_published_triage(
    responses: list[int | None], level: CssrsLevel
) -> None:
    assert cssrs_screener_level(responses) is level


@pytest.mark.parametrize(("responses", "level"), CSSRS_TRIAGE)
def test_cssrs_signals_agree_with_the_level(responses: list[int | None], level: CssrsLevel) -> None:
    plan = plan_response(evaluate_instrument_risk("cssrs_screener", responses))
    if level is CssrsLevel.NONE:
        assert plan is None
    else:
        assert plan is not None
        assert plan.severity.value == level.value
        assert plan.shows_crisis_page
        assert plan.opens_escalation


def test_cssrs_skipped_questions_are_not_unanswered_but_missing_q1_is() -> None:
    assert evaluate_instrument_risk("cssrs", [0, 0, None, None, None, 0]) == []
    (signal,) = evaluate_instrument_risk("cssrs", [None, 0, None, None, None, 0])
    assert signal.severity is Severity.LOW
    assert cssrs_screener_level([None, 0, None, None, None, 0]) is CssrsLevel.NONE


def test_cssrs_follow_up_left_blank_after_suicidal_thoughts_is_moderate() -> None:
    signals = evaluate_instrument_risk("cssrs", [1, 1, None, None, None, 0])
    assert {s.rule_id: s.severity for s in signals} == {
        "cssrs.q1.wish_to_be_dead": Severity.LOW,
        "cssrs.q2.suicidal_thoughts": Severity.LOW,
        "cssrs.q3_q5.unanswered_after_q2_yes": Severity.MODERATE,
    }
    assert cssrs_screener_level([1, 1, None, None, None, 0]) is CssrsLevel.LOW


def test_cssrs_q6_accepts_two_but_q1_does_not() -> None:
    with pytest.raises(InvalidResponsesError):
        cssrs_screener_level([2, 0, None, None, None, 0])


def test_explanations_name_items_not_answers() -> None:
    (signal,) = evaluate_instrument_risk("phq9", phq9(3))
    assert "item(s) 9" in signal.explanation


def test_help_now_is_high_urgency_and_shows_crisis_page() -> None:
    signal = help_now_signal()
    assert signal.severity is Severity.HIGH
    assert signal.shows_crisis_page
    assert Response.OPEN_ESCALATION in signal.responses
    assert signal.source is SignalSource.HELP_NOW


def test_plan_response_takes_the_strongest_severity_and_every_response() -> None:
    signals = [*evaluate_instrument_risk("cssrs", [1, 1, 1, 1, 0, 0]), help_now_signal()]
    plan = plan_response(signals)
    assert plan is not None
    assert plan.severity is Severity.HIGH
    assert plan.rule_ids[0] == "cssrs.q1.wish_to_be_dead"
    assert len(plan.rule_ids) == len(set(plan.rule_ids)) == 5
    assert plan_response([]) is None
