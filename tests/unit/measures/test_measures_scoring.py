"""Scoring conventions: messages that name the item and range, encodings, derived values."""

from __future__ import annotations

import pytest

from withcare.domain.measures.examples import responses_for_total
from withcare.domain.measures.loader import UnknownInstrumentError
from withcare.domain.measures.scoring import score


def test_out_of_range_message_names_the_item_and_the_allowed_range() -> None:
    result = score("phq9", [0, 0, 4, 0, 0, 0, 0, 0, 0])
    assert not result.valid
    assert result.errors == ("item 3: score 4 is outside the allowed range 0-3",)


def test_gapped_items_list_their_allowed_values() -> None:
    result = score("audit", [1, 1, 1, 1, 1, 1, 1, 1, 3, 0])
    assert result.errors == ("item 9: score 3 is outside the allowed values 0, 2, 4",)


def test_form_position_range_is_checked_against_the_printed_options() -> None:
    result = score("core10", [0, 0, 5, 0, 0, 0, 0, 0, 0, 0], "form_position")
    assert result.errors == ("item 3: form position 5 is outside the allowed range 0-4",)


@pytest.mark.parametrize("bad", [True, 1.5, "2", [1]])
def test_values_that_are_not_whole_numbers_are_refused(bad: object) -> None:
    result = score("gad2", [bad, 1])
    assert not result.valid
    assert result.errors[0].startswith("item 1: ")
    assert "range 0-3" in result.errors[0]


def test_wrong_item_count_is_invalid_and_says_how_many() -> None:
    result = score("gad7", [1] * 6)
    assert not result.valid
    assert "expected 7 responses, got 6" in result.errors[0]
    assert result.total is None
    assert result.severity is None


def test_unknown_encoding_and_non_list_responses_are_invalid_not_exceptions() -> None:
    assert "unknown encoding" in score("phq2", [1, 1], "letters").errors[0]
    assert "must be a list" in score("phq2", "11").errors[0]
    assert "must be a list" in score("phq2", None).errors[0]


def test_unknown_instrument_raises() -> None:
    with pytest.raises(UnknownInstrumentError):
        score("bdi", [1])


def test_form_position_reverses_only_reverse_keyed_items() -> None:
    # CORE-10: boxes ticked at position 1 everywhere -> items 2 and 3 score 3, the others 1.
    result = score("core10", [1] * 10, "form_position")
    assert result.item_scores == (1, 3, 3, 1, 1, 1, 1, 1, 1, 1)
    assert result.total == 14
    # The same answers given as item scores are not reversed.
    assert score("core10", [1] * 10).total == 10


def test_epds_form_positions() -> None:
    # Top printed answer everywhere: items 1, 2, 4 score 0, the seven reversed items score 3.
    result = score("epds", [0] * 10, "form_position")
    assert result.total == 21
    assert result.risk_flag


def test_who5_percentage_and_low_item_flag() -> None:
    result = score("who5", [3, 3, 3, 2, 2])
    assert result.total == 13
    assert result.extras == {"who5_percentage": 52, "who5_low_item": False}
    low = score("who5", [5, 5, 5, 5, 1])
    assert low.extras["who5_low_item"] is True
    assert low.severity == "not_poor_wellbeing"


def test_pcl5_clusters_and_provisional_ptsd() -> None:
    # One B, one C, two D, two E symptoms (items scored 2+): the DSM-5 algorithm is met.
    responses = [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0]
    result = score("pcl5", responses)
    assert result.subscales == {
        "b_intrusion": 2,
        "c_avoidance": 2,
        "d_negative_cognition_mood": 4,
        "e_arousal_reactivity": 4,
    }
    assert result.extras["pcl5_provisional_ptsd"] is True
    responses[14] = 1  # only one E symptom left
    assert score("pcl5", responses).extras["pcl5_provisional_ptsd"] is False


def test_audit_domains() -> None:
    result = score("audit", [4, 3, 2, 1, 1, 1, 0, 1, 2, 4])
    assert result.subscales == {"hazardous_use": 9, "dependence_symptoms": 3, "harmful_use": 7}
    assert result.total == 19
    assert result.severity == "harmful"


def test_record_has_the_issue_schema_and_derived_values() -> None:
    record = score("swemwbs", responses_for_total("swemwbs", 21)).as_record()
    assert list(record)[:6] == ["instrument", "total", "severity", "risk_flag", "valid", "errors"]
    assert record["swemwbs_metric"] == 19.25
    invalid = score("swemwbs", [9] * 7).as_record()
    assert invalid["swemwbs_metric"] is None
    assert invalid["total"] is None


def test_responses_for_total_refuses_impossible_totals() -> None:
    with pytest.raises(ValueError, match="outside"):
        responses_for_total("k10", 9)
    with pytest.raises(ValueError, match="no total"):
        responses_for_total("cssrs_screener", 0)
