"""Properties of scoring, outcomes, FHIR and batch processing that must hold for any input."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from withcare.domain.measures.batch import outcomes_jsonl, score_jsonl
from withcare.domain.measures.fhir import parse_questionnaire_response, questionnaire_response
from withcare.domain.measures.loader import all_instruments, load_instrument
from withcare.domain.measures.model import Instrument
from withcare.domain.measures.outcomes import course_outcome
from withcare.domain.measures.scoring import score

INSTRUMENTS = all_instruments()
WITH_TOTAL = [i for i in INSTRUMENTS if i.has_total]
BANDED = [i for i in WITH_TOTAL if i.severity.bands]
WITH_RISK = [i for i in INSTRUMENTS if i.risk_items]


def valid_responses(instrument: Instrument) -> st.SearchStrategy[list[int]]:
    return st.tuples(*(st.sampled_from(item.allowed_scores) for item in instrument.items)).map(list)


@st.composite
def administrations(draw: st.DrawFn, pool: list[Instrument]) -> tuple[Instrument, list[int]]:
    instrument = draw(st.sampled_from(pool))
    return instrument, draw(valid_responses(instrument))


@given(administrations(WITH_TOTAL))
def test_complete_valid_forms_total_the_item_scores_within_range(
    case: tuple[Instrument, list[int]],
) -> None:
    instrument, responses = case
    result = score(instrument.id, responses)
    assert result.valid
    assert result.total == sum(responses)
    assert instrument.total_minimum is not None
    assert instrument.total_maximum is not None
    assert instrument.total_minimum <= result.total <= instrument.total_maximum
    if instrument.severity.bands:
        assert result.severity in instrument.severity_labels
    else:
        assert result.severity is None


@given(st.data())
def test_severity_is_monotone_in_the_total(data: st.DataObject) -> None:
    instrument = data.draw(st.sampled_from(BANDED))
    first = score(instrument.id, data.draw(valid_responses(instrument)))
    second = score(instrument.id, data.draw(valid_responses(instrument)))
    assert first.total is not None
    assert second.total is not None
    labels = instrument.severity_labels
    if first.total <= second.total:
        assert labels.index(str(first.severity)) <= labels.index(str(second.severity))
    else:
        assert labels.index(str(first.severity)) >= labels.index(str(second.severity))


@given(st.data())
def test_an_out_of_range_value_invalidates_and_names_the_item(data: st.DataObject) -> None:
    instrument = data.draw(st.sampled_from(INSTRUMENTS))
    responses: list[object] = list(data.draw(valid_responses(instrument)))
    index = data.draw(st.integers(0, instrument.item_count - 1))
    allowed = instrument.items[index].allowed_scores
    bad = data.draw(st.integers(-50, 50).filter(lambda v: v not in allowed))
    responses[index] = bad
    result = score(instrument.id, responses)
    assert not result.valid
    assert result.total is None
    assert result.severity is None
    assert any(error.startswith(f"item {index + 1}: ") for error in result.errors)


@given(st.data())
def test_a_wrong_item_count_invalidates(data: st.DataObject) -> None:
    instrument = data.draw(st.sampled_from(INSTRUMENTS))
    count = data.draw(st.integers(0, 30).filter(lambda n: n != instrument.item_count))
    result = score(instrument.id, [0] * count)
    assert not result.valid
    assert result.total is None


@given(st.data())
def test_risk_flag_whenever_a_risk_item_is_in_range_and_at_least_one(data: st.DataObject) -> None:
    instrument = data.draw(st.sampled_from(WITH_RISK))
    anything = st.one_of(st.none(), st.integers(-3, 12), st.just("x"))
    responses = [data.draw(anything) for _ in instrument.items]
    result = score(instrument.id, responses)
    risk_values = {n: responses[n - 1] for n in instrument.risk_items}
    expected = any(
        isinstance(value, int)
        and value in instrument.item(n).allowed_scores
        and value >= instrument.risk_threshold
        for n, value in risk_values.items()
    )
    assert result.risk_flag is expected


@given(st.data())
def test_form_positions_score_as_the_printed_options_say(data: st.DataObject) -> None:
    instrument = data.draw(st.sampled_from(INSTRUMENTS))
    positions = [data.draw(st.integers(0, len(item.options) - 1)) for item in instrument.items]
    scores = [item.options[p].score for item, p in zip(instrument.items, positions, strict=True)]
    by_position = score(instrument.id, positions, "form_position")
    by_score = score(instrument.id, scores)
    assert by_position == by_score


@given(st.data())
def test_phq9_pro_rating_is_mean_times_nine_rounded_half_up(data: st.DataObject) -> None:
    instrument = load_instrument("phq9")
    responses: list[int | None] = list(data.draw(valid_responses(instrument)))
    missing = data.draw(st.sets(st.integers(0, 8), max_size=4))
    for index in missing:
        responses[index] = None
    result = score("phq9", responses)
    answered = [r for r in responses if r is not None]
    if len(missing) > 2:
        assert not result.valid
        assert result.total is None
    else:
        assert result.valid
        assert result.total == math.floor(
            Fraction(sum(answered) * 9, len(answered)) + Fraction(1, 2)
        )


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_questionnaire_responses_round_trip(data: st.DataObject) -> None:
    instrument = data.draw(st.sampled_from(INSTRUMENTS))
    responses: list[int | None] = list(data.draw(valid_responses(instrument)))
    for index in data.draw(st.sets(st.integers(0, instrument.item_count - 1), max_size=3)):
        responses[index] = None
    resource = questionnaire_response(
        instrument.id, responses, subject="Patient/p", authored=datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert parse_questionnaire_response(resource.model_dump(mode="json")).responses == responses


@given(st.integers(0, 27), st.integers(0, 27), st.integers(0, 21), st.integers(0, 21))
def test_course_outcomes_are_consistent(pf: int, pl: int, gf: int, gl: int) -> None:
    outcome = course_outcome(pf, pl, gf, gl)
    assert not (outcome.reliable_improvement and outcome.reliable_deterioration)
    assert outcome.reliable_recovery == (outcome.recovered and outcome.reliable_improvement)
    if outcome.recovered:
        assert outcome.at_caseness_start
        assert pl < 10
        assert gl < 8
    # Swapping first and last swaps improvement and deterioration.
    reverse = course_outcome(pl, pf, gl, gf)
    assert reverse.reliable_deterioration == outcome.reliable_improvement


@given(st.lists(st.text(max_size=60), max_size=8))
def test_batch_never_raises_and_answers_every_line(lines: list[str]) -> None:
    lines = [line.replace("\n", " ").replace("\r", " ") for line in lines]
    assert len(list(score_jsonl(lines))) == len(lines)
    assert len(list(outcomes_jsonl(lines))) == len(lines)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 40) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=12)
        | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@given(st.sampled_from([i.id for i in INSTRUMENTS] + ["nope"]), json_values, json_values)
def test_batch_scoring_of_arbitrary_requests_never_raises(
    instrument: str, responses: object, encoding: object
) -> None:
    line = json.dumps({"instrument": instrument, "responses": responses, "encoding": encoding})
    (record,) = score_jsonl([line])
    assert record["valid"] in (True, False)
    if not record["valid"]:
        assert record["total"] is None
        assert record["errors"]
