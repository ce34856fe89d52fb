"""Questionnaire pages through the browser-facing forms: answer, result, errors, staff entry, print."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from withcare.services.events import RiskSignalRaised
from withcare_testing.web import csrf_from, log_in
from withcare_testing.world import World

PHQ9_MODERATE = {f"item_{n}": v for n, v in enumerate([2, 1, 1, 2, 1, 1, 1, 2, 0], start=1)}


def assign(client: TestClient, world: World, instrument: str = "phq9") -> None:
    form = client.get(f"/people/{world.person_id}/measures/assign")
    assert form.status_code == 200
    response = client.post(
        f"/people/{world.person_id}/measures/assign",
        data={
            "csrf_token": csrf_from(form.text),
            "instrument_id": instrument,
            "schedule": "weekly",
            "window_days": "5",
            "starts_on": "",
            "reminders": "yes",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:2000]


def test_person_completes_a_phq9_and_sees_the_result(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    assign(clinician, web_world)
    person = log_in(client_factory(), web_world, web_world["person"])
    home = person.get("/")
    assert "Answer the PHQ-9 questionnaire" in home.text
    url = f"/people/{web_world.person_id}/questionnaires/phq9"
    form = person.get(url)
    assert form.status_code == 200
    assert form.text.count("<fieldset") == 9 and "<legend>" in form.text
    assert 'type="radio"' in form.text and "style=" not in form.text
    token = csrf_from(form.text)
    assignment = re.search(r'name="assignment_id" value="([^"]+)"', form.text)
    assert assignment
    # save part-way and come back
    saved = person.post(
        url,
        data={"csrf_token": token, "action": "save", "assignment_id": assignment[1], "item_1": "2"},
        follow_redirects=True,
    )
    assert "Your answers are saved" in saved.text
    assert 'id="item_1-2" name="item_1" value="2" checked' in saved.text
    assert "Finish the PHQ-9" in person.get("/").text
    done = person.post(
        url,
        data={"csrf_token": token, "action": "submit", "assignment_id": assignment[1]}
        | PHQ9_MODERATE,
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"/people/{web_world.person_id}/results/")
    result = person.get(done.headers["location"])
    assert "Score: 11 out of 27" in result.text
    assert "moderate" in result.text and "It is not a diagnosis" in result.text
    assert "Answer the PHQ-9" not in person.get("/").text  # answered for this window


def test_wrong_input_names_the_item(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    person = log_in(client_factory(), web_world, web_world["person"])
    url = f"/people/{web_world.person_id}/questionnaires/gad7"
    token = csrf_from(person.get(url).text)
    answers = {f"item_{n}": "1" for n in range(1, 8)}
    answers["item_3"] = ""
    answers["item_5"] = "9"
    response = person.post(url, data={"csrf_token": token, "action": "submit"} | answers)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert 'href="#item_5"' in response.text and "Question 5:" in response.text
    assert 'id="item_1-1" name="item_1" value="1" checked' in response.text  # answers kept


def test_a_risk_answer_goes_straight_to_crisis_support(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    received: list[RiskSignalRaised] = []
    web_world.platform.events.subscribe(RiskSignalRaised, lambda uow, e: received.append(e))
    person = log_in(client_factory(), web_world, web_world["person"])
    url = f"/people/{web_world.person_id}/questionnaires/phq9"
    token = csrf_from(person.get(url).text)
    answers = {f"item_{n}": "0" for n in range(1, 10)} | {"item_9": "1"}
    response = person.post(
        url, data={"csrf_token": token, "action": "submit"} | answers, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] in ("/crisis", "/talk-to-a-person")
    assert len(received) == 1


def test_staff_enter_a_paper_form_and_see_measures_over_time(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    record = clinician.get(f"/people/{web_world.person_id}")
    assert f"/people/{web_world.person_id}/measures" in record.text
    url = f"/people/{web_world.person_id}/measures/enter/phq9"
    form = clinician.get(url)
    assert form.status_code == 200
    token = csrf_from(form.text)
    missing_mode = clinician.post(url, data={"csrf_token": token, "completed_on": "2026-01-04"})
    assert missing_mode.status_code == 400 and 'href="#mode"' in missing_mode.text
    for day, answers in (("2026-01-01", [3] * 8 + [0]), ("2026-01-04", [1] * 8 + [0])):
        entered = clinician.post(
            url,
            data={"csrf_token": token, "mode": "paper", "completed_on": day}
            | {f"item_{n}": str(v) for n, v in enumerate(answers, start=1)},
            follow_redirects=False,
        )
        assert entered.status_code == 303, entered.text[:3000]
    overview = clinician.get(f"/people/{web_world.person_id}/measures")
    assert overview.status_code == 200
    text = overview.text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in text and 'role="img"' in text
    assert "<title" in text and "aria-label=" in text and "style=" not in text
    assert "<caption>PHQ-9 results, oldest first</caption>" in text
    assert "Paper" in text and "reliably better" in text and "rc-better" in text


def test_printable_forms_are_public_and_licences_are_for_admins(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    anonymous = client_factory()
    page = anonymous.get("/instruments/gad7/print")
    assert page.status_code == 200 and "measures.css" in page.text and "☐" in page.text
    assert anonymous.get("/instruments/nope/print").status_code == 404
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    form = clinician.get(f"/people/{web_world.person_id}/measures/assign")
    blocked = clinician.post(
        f"/people/{web_world.person_id}/measures/assign",
        data={"csrf_token": csrf_from(form.text), "instrument_id": "swemwbs", "schedule": "once"},
    )
    assert blocked.status_code == 400 and "needs a licence" in blocked.text
    assert clinician.get("/admin/instrument-licences").status_code == 403
    admin = log_in(client_factory(), web_world, web_world["admin"])
    licences = admin.get("/admin/instrument-licences")
    recorded = admin.post(
        "/admin/instrument-licences",
        data={
            "csrf_token": csrf_from(licences.text),
            "instrument_id": "swemwbs",
            "reference": "Warwick registration 42",
        },
        follow_redirects=True,
    )
    assert "The licence has been recorded" in recorded.text
    assign(clinician, web_world, "swemwbs")
