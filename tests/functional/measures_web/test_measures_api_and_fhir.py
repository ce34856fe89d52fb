"""The measures JSON API and FHIR: round trips, validation of every exported resource, refusals."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from withcare.domain.measures import INSTRUMENT_IDS, score
from withcare.domain.measures.examples import responses_for_total
from withcare_testing.web import api_headers, log_in
from withcare_testing.world import World


def test_every_questionnaire_validates(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    client = client_factory()
    listing = client.get("/api/fhir/Questionnaire")
    assert listing.status_code == 200
    assert listing.headers["content-type"].startswith("application/fhir+json")
    assert len(Bundle.model_validate(listing.json()).entry or []) == len(INSTRUMENT_IDS)
    for instrument_id in INSTRUMENT_IDS:
        response = client.get(f"/api/fhir/Questionnaire/{instrument_id.replace('_', '-')}")
        assert response.status_code == 200, instrument_id
        Questionnaire.model_validate(response.json())
    assert client.get("/fhir/Questionnaire/phq9").status_code == 200
    assert client.get("/api/fhir/Questionnaire/nothing").status_code == 404


def test_fhir_round_trip_validates_and_scores(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    person = log_in(client_factory(), web_world, web_world["person"])
    headers = api_headers(person)
    answers = responses_for_total("phq9", 16)
    sent = person.post(
        f"/api/v1/people/{web_world.person_id}/measures/administrations",
        headers=headers,
        json={"instrument_id": "phq9", "responses": answers},
    )
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["administration"]["total"] == score("phq9", answers).total
    administration_id = body["administration"]["id"]
    base = f"/api/fhir/Patient/{web_world.person_id}"
    exported = person.get(f"{base}/QuestionnaireResponse/{administration_id}")
    assert exported.status_code == 200
    QuestionnaireResponse.model_validate(exported.json())
    observation = person.get(f"{base}/Observation/{administration_id}-score").json()
    Observation.model_validate(observation)
    assert observation["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "44261-6",
        "display": "PHQ-9 total score",
    }
    assert observation["valueInteger"] == 16
    # send the exported response back: accepted, validated, scored and stored again
    resource = exported.json()
    resource.pop("id")
    accepted = person.post(f"{base}/QuestionnaireResponse", headers=headers, json=resource)
    assert accepted.status_code == 201, accepted.text
    QuestionnaireResponse.model_validate(accepted.json())
    assert accepted.headers["location"].endswith(accepted.json()["id"])
    bundle = person.get(f"{base}/measures")
    parsed = Bundle.model_validate(bundle.json())
    kinds = sorted(e.resource.get_resource_type() for e in parsed.entry or [])  # type: ignore[union-attr]
    assert kinds == ["Observation", "Observation", "QuestionnaireResponse", "QuestionnaireResponse"]
    bad = person.post(
        f"{base}/QuestionnaireResponse",
        headers=headers,
        json={"resourceType": "QuestionnaireResponse", "questionnaire": "x", "status": "completed"},
    )
    assert bad.status_code == 422


def test_api_assign_due_and_overview(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    headers = api_headers(clinician)
    base = f"/api/v1/people/{web_world.person_id}/measures"
    blocked = clinician.post(
        f"{base}/assignments", headers=headers, json={"instrument_id": "wemwbs"}
    )
    assert blocked.status_code == 422 and "licence" in blocked.json()["problems"]["instrument_id"]
    made = clinician.post(
        f"{base}/assignments",
        headers=headers,
        json={"instrument_id": "gad7", "schedule": "weekly", "window_days": 3},
    )
    assert made.status_code == 201, made.text
    assert [d["instrument_id"] for d in clinician.get(f"{base}/due").json()] == ["gad7"]
    entered = clinician.post(
        f"{base}/administrations",
        headers=headers,
        json={"instrument_id": "gad7", "responses": [3] * 7, "mode": "phone"},
    )
    assert entered.status_code == 201 and entered.json()["administration"]["mode"] == "phone"
    overview = clinician.get(base).json()
    assert overview["trends"][0]["points"][0]["total"] == 21
    person = log_in(client_factory(), web_world, web_world["person"])
    refused = person.post(
        f"{base}/administrations",
        headers=api_headers(person),
        json={"instrument_id": "gad7", "responses": [0] * 7, "mode": "paper"},
    )
    assert refused.status_code == 403
