"""FHIR R4 (R4B models) resources validate and round-trip."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from withcare.domain.measures.examples import responses_for_total
from withcare.domain.measures.fhir import (
    LOINC,
    Administration,
    FhirInputError,
    measures_bundle,
    parse_questionnaire_response,
    questionnaire,
    questionnaire_response,
    score_observation,
)
from withcare.domain.measures.loader import INSTRUMENT_IDS, load_instrument
from withcare.domain.measures.scoring import score

WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
SUBJECT = "Patient/pseudo-7f3a"
Resource = Questionnaire | QuestionnaireResponse | Observation | Bundle


def validated(resource: Resource) -> dict[str, Any]:
    """Serialise, validate again from JSON with the same R4B model, and return the JSON data."""
    again = type(resource).model_validate_json(resource.model_dump_json())
    data: dict[str, Any] = again.model_dump(mode="json", exclude_none=True)
    return data


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_every_instrument_is_a_valid_questionnaire(instrument_id: str) -> None:
    data = validated(questionnaire(instrument_id))
    instrument = load_instrument(instrument_id)
    assert len(data["item"]) == instrument.item_count
    assert data["item"][0]["linkId"] == "item_1"
    assert "_" not in data["id"]


def test_phq9_questionnaire_uses_loinc() -> None:
    data = validated(questionnaire("phq9"))
    assert (data["code"][0]["system"], data["code"][0]["code"]) == (LOINC, "44249-1")
    assert data["item"][8]["code"][0]["code"] == "44260-8"
    first = data["item"][0]["answerOption"][0]["valueCoding"]
    assert (first["system"], first["code"]) == (LOINC, "LA6568-5")


@pytest.mark.parametrize(
    ("instrument_id", "responses"),
    [
        ("phq9", [0, 1, 2, 3, 0, 1, 2, 3, 1]),
        ("core10", [0, 4, 4, 1, 2, 0, 3, 1, None, 2]),
        ("epds", [0, 1, 3, 2, 3, 3, 2, 1, 0, 1]),
        ("wsas", ["not_applicable", 2, 5, 7, 8]),
        ("audit", [0, None, None, None, None, None, None, None, 2, 4]),
        ("cssrs_screener", [1, 0, None, None, None, 2]),
    ],
)
def test_questionnaire_response_round_trips(instrument_id: str, responses: list[object]) -> None:
    resource = questionnaire_response(instrument_id, responses, subject=SUBJECT, authored=WHEN)
    parsed = parse_questionnaire_response(validated(resource))
    assert parsed.instrument_id == instrument_id
    assert parsed.responses == responses
    assert parsed.subject == SUBJECT
    assert parsed.authored == WHEN


def test_form_positions_are_exported_as_the_answers_ticked() -> None:
    resource = questionnaire_response(
        "core10", [0] * 10, subject=SUBJECT, authored=WHEN, encoding="form_position"
    )
    items = validated(resource)["item"]
    assert {i["answer"][0]["valueCoding"]["display"] for i in items} == {"Not at all"}
    parsed = parse_questionnaire_response(resource)
    assert parsed.responses == [0, 4, 4, 0, 0, 0, 0, 0, 0, 0]


def test_value_integer_answers_are_accepted() -> None:
    data = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "https://elsewhere.example/Questionnaire/gad2",
        "status": "completed",
        "item": [
            {"linkId": "item_1", "answer": [{"valueInteger": 2}]},
            {"linkId": "item_2", "answer": [{"valueInteger": 3}]},
        ],
    }
    assert parse_questionnaire_response(data).responses == [2, 3]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"questionnaire": "https://x.example/Questionnaire/bdi"}, "not one of"),
        ({"item": [{"linkId": "item_9", "answer": [{"valueInteger": 1}]}]}, "no item"),
        (
            {"item": [{"linkId": "item_1", "answer": [{"valueCoding": {"code": "zzz"}}]}]},
            "not one of the item's",
        ),
        ({"status": 7, "item": "x"}, "not a valid"),
    ],
)
def test_unreadable_responses_are_refused(change: dict[str, object], message: str) -> None:
    data: dict[str, object] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "https://x.example/Questionnaire/gad2",
        "status": "completed",
    }
    data.update(change)
    with pytest.raises(FhirInputError, match=message):
        parse_questionnaire_response(data)


def test_invalid_values_are_not_exported() -> None:
    with pytest.raises(FhirInputError, match="item 1"):
        questionnaire_response("gad2", [7, 0], subject=SUBJECT, authored=WHEN)


def test_score_observation_has_loinc_total_severity_and_components() -> None:
    result = score("phq9", responses_for_total("phq9", 12))
    data = validated(score_observation(result, subject=SUBJECT, effective=WHEN))
    assert data["code"]["coding"][0]["system"] == LOINC
    assert data["code"]["coding"][0]["code"] == "44261-6"
    assert data["valueInteger"] == 12
    assert data["interpretation"][0]["coding"][0]["code"] == "moderate"
    assert data["subject"] == {"reference": SUBJECT}
    components = {c["code"]["coding"][0]["code"]: c for c in data["component"]}
    assert components["risk_flag"]["valueBoolean"] is False


def test_pro_rated_and_no_total_scores_export() -> None:
    prorated = score("core10", [2, 2, 2, 2, 2, 0, 1, 1, 1, None])
    quantity = validated(score_observation(prorated, subject=SUBJECT, effective=WHEN))
    assert float(quantity["valueQuantity"]["value"]) == pytest.approx(130 / 9)
    cssrs = score("cssrs_screener", [1, 1, 1, 0, 0, 0])
    data = validated(score_observation(cssrs, subject=SUBJECT, effective=WHEN))
    assert data["valueCodeableConcept"]["coding"][0]["code"] == "moderate_risk"
    with pytest.raises(FhirInputError):
        score_observation(score("phq2", [9, 9]), subject=SUBJECT, effective=WHEN)


def test_bundle_of_a_persons_measures_validates_and_is_stable() -> None:
    administrations = [
        Administration("phq9", responses_for_total("phq9", 14), WHEN),
        Administration("gad7", responses_for_total("gad7", 9), WHEN),
        Administration("swemwbs", responses_for_total("swemwbs", 20), WHEN),
        Administration("phq9", [1, 1, 1, None, None, None, 0, 0, 0], WHEN),  # invalid: 3 missing
    ]
    bundle = measures_bundle(SUBJECT, administrations)
    entries = validated(bundle)["entry"]
    kinds = [entry["resource"]["resourceType"] for entry in entries]
    assert kinds == [
        "QuestionnaireResponse", "Observation", "QuestionnaireResponse", "Observation",
        "QuestionnaireResponse", "Observation", "QuestionnaireResponse",
    ]  # fmt: skip
    assert entries[1]["resource"]["derivedFrom"][0]["reference"] == entries[0]["fullUrl"]
    assert measures_bundle(SUBJECT, administrations).model_dump_json() == bundle.model_dump_json()
