"""Safety pages through the web: crisis support after a risk answer and "I need help now",
"talk to a person", the clinician's inbox and forms, the person's page, the safety plan and the
manager's oversight page. All without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from withcare.db.models import EscalationRow, User
from withcare.security.authorisation import Actor
from withcare.services.unit_of_work import actor_for
from withcare_testing.safety import add_safety_staff
from withcare_testing.web import csrf_from, log_in
from withcare_testing.world import World

Client = Callable[[], TestClient]
UK_DEFAULTS = ("999", "111", "116 123", "85258")


@pytest.fixture
def sworld(web_world: World) -> World:
    return add_safety_staff(web_world)


def escalation_ids(world: World) -> list[str]:
    with world.platform.database.transaction() as session:
        return list(session.execute(select(EscalationRow.id)).scalars())


def submit_phq9_item9_two(client: TestClient, world: World) -> str:
    form = client.get(f"/people/{world.person_id}/questionnaires/phq9")
    assert form.status_code == 200, form.text[:300]
    data = {f"item_{i}": "1" for i in range(1, 9)} | {"item_9": "2"}
    response = client.post(
        f"/people/{world.person_id}/questionnaires/phq9",
        data={**data, "csrf_token": csrf_from(form.text), "action": "submit"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]
    return str(response.headers["location"])


def test_crisis_page_is_public_plain_and_in_english_and_welsh(client_factory: Client) -> None:
    client = client_factory()
    page = client.get("/crisis")
    assert page.status_code == 200
    assert "<script" not in page.text
    for number in UK_DEFAULTS:
        assert number in page.text
    assert 'href="tel:999"' in page.text and "sms:" in page.text
    client.post(
        "/language", data={"language": "cy", "next": "/crisis", "csrf_token": csrf_from(page.text)}
    )
    welsh = client.get("/crisis").text
    assert "Mae help ar gael nawr" in welsh and "999" in welsh


def test_a_risk_answer_shows_the_crisis_page_before_anything_else(
    sworld: World, client_factory: Client
) -> None:
    client = log_in(client_factory(), sworld, sworld["person"])
    location = submit_phq9_item9_two(client, sworld)
    assert location.startswith("/crisis")
    page = client.get(location)
    assert page.status_code == 200 and "Help is available now" in page.text
    assert "We have told your care team" in page.text
    assert len(escalation_ids(sworld)) == 1


def test_i_need_help_now_is_on_every_page_and_tells_the_team(
    sworld: World, client_factory: Client
) -> None:
    client = log_in(client_factory(), sworld, sworld["person"])
    home = client.get("/")
    assert 'action="/help-now"' in home.text
    assert 'action="/help-now"' in client.get(f"/people/{sworld.person_id}").text
    response = client.post(
        "/help-now", data={"csrf_token": csrf_from(home.text)}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/crisis?told=1"
    page = client.get("/crisis?told=1").text
    assert "We have told your care team" in page
    assert len(escalation_ids(sworld)) == 1
    clinician = log_in(client_factory(), sworld, sworld["clinician"])
    assert 'action="/help-now"' not in clinician.get("/").text


def test_talk_to_a_person_form_and_status(sworld: World, client_factory: Client) -> None:
    anonymous = client_factory().get("/talk-to-a-person").text
    assert "0300 000 0000" in anonymous and 'name="modes"' not in anonymous
    client = log_in(client_factory(), sworld, sworld["person"])
    page = client.get("/talk-to-a-person")
    assert 'name="modes"' in page.text and "not asked to talk to anyone yet" in page.text
    token = csrf_from(page.text)
    refused = client.post("/talk-to-a-person", data={"csrf_token": token})
    assert refused.status_code == 400 and "error-summary" in refused.text
    sent = client.post(
        "/talk-to-a-person",
        data={"csrf_token": token, "modes": ["phone", "video"], "times": ["evening"]},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    status = client.get(sent.headers["location"]).text
    assert "Your request has been sent" in status
    assert "Waiting for someone to take it on" in status
    clinician = log_in(client_factory(), sworld, sworld["clinician"])
    inbox = clinician.get("/escalations").text
    assert "Request to talk to a person" in inbox and "Testy Synthetic" in inbox


def test_clinician_acknowledges_acts_and_closes_through_the_forms(
    sworld: World, client_factory: Client
) -> None:
    sworld.platform.safety.help_now(_person_actor(sworld), sworld.person_id)
    [escalation_id] = escalation_ids(sworld)
    client = log_in(client_factory(), sworld, sworld["clinician"])
    inbox = client.get("/escalations")
    assert inbox.status_code == 200 and f"/escalations/{escalation_id}" in inbox.text
    detail = client.get(f"/escalations/{escalation_id}")
    assert detail.status_code == 200 and "<script" not in detail.text
    token = csrf_from(detail.text)
    url = f"/escalations/{escalation_id}/events"
    done = client.post(
        url,
        data={"csrf_token": token, "kind": "acknowledge", "version": "1"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    stale = client.post(url, data={"csrf_token": token, "kind": "acknowledge", "version": "1"})
    assert stale.status_code == 409 and "changed this escalation" in stale.text
    early = client.post(
        url,
        data={
            "csrf_token": token,
            "kind": "close_with_outcome",
            "outcome": "safe_with_plan_in_place",
        },
    )
    assert early.status_code == 400 and "Record at least one action" in early.text
    missing = client.post(url, data={"csrf_token": token, "kind": "record_action"})
    assert missing.status_code == 400
    client.post(
        url, data={"csrf_token": token, "kind": "record_action", "action": "called_the_person"}
    )
    closed = client.post(
        url,
        data={
            "csrf_token": token,
            "kind": "close_with_outcome",
            "outcome": "safe_with_plan_in_place",
        },
        follow_redirects=False,
    )
    assert closed.status_code == 303
    page = client.get(f"/escalations/{escalation_id}").text
    assert "Safe, with a plan in place" in page and "Called the person" in page
    assert "No open escalations" in client.get("/escalations").text


def test_others_cannot_open_or_act_on_the_escalation(sworld: World, client_factory: Client) -> None:
    sworld.platform.safety.help_now(_person_actor(sworld), sworld.person_id)
    [escalation_id] = escalation_ids(sworld)
    for who in ("outsider", "clinician_b", "researcher", "admin"):
        client = log_in(client_factory(), sworld, sworld[who])
        page = client.get(f"/escalations/{escalation_id}")
        assert page.status_code == 403 and "Testy" not in page.text, who
        token = csrf_from(client.get("/").text)
        response = client.post(
            f"/escalations/{escalation_id}/events",
            data={"csrf_token": token, "kind": "acknowledge"},
        )
        assert response.status_code == 403, who


def test_the_persons_page_shows_open_escalations_and_recent_flags(
    sworld: World, client_factory: Client
) -> None:
    person = log_in(client_factory(), sworld, sworld["person"])
    submit_phq9_item9_two(person, sworld)
    client = log_in(client_factory(), sworld, sworld["clinician"])
    page = client.get(f"/people/{sworld.person_id}").text
    assert "Open escalations" in page and "High urgency" in page
    assert "Recent risk flags" in page and "Questionnaire answer" in page


def test_the_safety_plan_is_made_together_versioned_and_printable(
    sworld: World, client_factory: Client
) -> None:
    person = log_in(client_factory(), sworld, sworld["person"])
    url = f"/people/{sworld.person_id}/safety-plan"
    assert "There is no safety plan yet" in person.get(url).text
    form = person.get(url + "/edit")
    assert form.status_code == 200 and "<script" not in form.text
    token = csrf_from(form.text)
    empty = person.post(url, data={"csrf_token": token, "based_on": "0"})
    assert empty.status_code == 400 and "error-summary" in empty.text
    data = {
        "csrf_token": token,
        "based_on": "0",
        "warning_signs": ["Not sleeping", ""],
        "coping_strategies": ["Walk by the river"],
        "professionals_and_services": ["Crisis team", ""],
        "professionals_and_services__contact": ["0300 123 4567", ""],
    }
    saved = person.post(url, data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:500]
    view = person.get(saved.headers["location"]).text
    assert "Walk by the river" in view and 'href="tel:03001234567"' in view
    assert 'name="viewport"' in view and "<script" not in view
    clinician = log_in(client_factory(), sworld, sworld["clinician"])
    edit = clinician.get(url + "/edit").text
    changed = {**data, "csrf_token": csrf_from(edit), "based_on": "1", "agreed": "1"}
    changed["reasons_for_living"] = ["My sister"]
    assert clinician.post(url, data=changed, follow_redirects=False).status_code == 303
    stale = person.post(url, data={**data, "warning_signs": ["Other"]})
    assert stale.status_code == 409  # edited from version 0: nothing overwritten
    latest = person.get(url).text
    assert "Version 2" in latest and "My sister" in latest
    assert "Walk by the river" in person.get(url + "?version=1").text


def test_safety_plan_mistakes_are_named_per_section_in_english_and_welsh(
    sworld: World, client_factory: Client
) -> None:
    person = log_in(client_factory(), sworld, sworld["person"])
    url = f"/people/{sworld.person_id}/safety-plan"
    data = {
        "csrf_token": csrf_from(person.get(url + "/edit").text),
        "based_on": "0",
        "warning_signs": ["x" * 301],
        "coping_strategies": ["Walk by the river"],
        "reasons_for_living": ["Walk by the river", "walk by the river"],
        "professionals_and_services": ["Crisis team"],
        "professionals_and_services__contact": ["call me maybe"],
    }
    english = person.post(url, data=data)
    assert english.status_code == 400
    for message in (
        "Keep this to 300 characters or fewer.",  # the number filled in after translation
        "This is already here.",
        "Enter a phone number using digits, spaces and + only.",
    ):
        assert message in english.text, message
    assert 'href="#warning_signs"' in english.text  # the summary links to the section
    person.cookies.set("wc_lang", "cy")
    welsh = person.post(url, data=data)
    assert welsh.status_code == 400 and "Cadwch hwn i 300 nod neu lai." in welsh.text
    assert "This is already here." not in welsh.text
    # nothing was saved by either attempt
    assert (
        sworld.platform.safety.safety_plan(_person_actor(sworld), sworld.person_id).latest is None
    )


def test_manager_oversight_page(sworld: World, client_factory: Client) -> None:
    sworld.platform.safety.help_now(_person_actor(sworld), sworld.person_id)
    manager = log_in(client_factory(), sworld, sworld["manager"])
    page = manager.get("/service/safety")
    assert page.status_code == 200 and "The deadline worker is not running" in page.text
    assert re.search(r"Open and not yet acknowledged</dt><dd>1<", page.text)
    clinician = log_in(client_factory(), sworld, sworld["clinician"])
    assert clinician.get("/service/safety").status_code == 403


def _person_actor(world: World) -> Actor:

    with world.platform.unit_of_work(None) as uow:
        user = uow.session.get(User, world["person"].user_id)
        assert user is not None
        return actor_for(uow.session, user)


def test_the_crisis_page_falls_back_to_static_html_if_rendering_fails(
    client_factory: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from withcare.web.routes.pages import safety as pages

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("template error")

    monkeypatch.setattr(pages, "render", broken)
    page = client_factory().get("/crisis")
    assert page.status_code == 200 and "<script" not in page.text
    for number in UK_DEFAULTS:
        assert number in page.text


def test_the_safety_plan_prints_without_the_page_furniture() -> None:
    from pathlib import Path

    import withcare.web

    css = (Path(withcare.web.__file__).parent / "static" / "safety.css").read_text()
    assert re.search(r"@media print\s*{[^}]*\.no-print", css)
