"""Consent page, care choices, data rights and discharge through the web (issue 5)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.consent import Consent

from withcare.clock import ControllableClock
from withcare.web.app import create_app
from withcare.web.route_index import api_routes
from withcare_testing.web import csrf_from, log_in
from withcare_testing.world import World


def test_person_grants_and_withdraws_from_one_page(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    client = log_in(client_factory(), web_world, web_world["person"])
    url = f"/people/{web_world.person_id}/consent"
    page = client.get(url)
    assert page.status_code == 200
    assert "Research" in page.text and "What was already used" in page.text
    token = csrf_from(page.text)
    form = {"csrf_token": token, "purpose": "research", "stream": "questionnaires"}
    done = client.post(url, data={**form, "action": "grant"}, follow_redirects=False)
    assert done.status_code == 303
    clock = web_world.platform.clock
    assert isinstance(clock, ControllableClock)
    clock.advance(timedelta(minutes=1))
    assert client.post(url, data={**form, "action": "withdraw"}).status_code == 200
    history = client.get(url).text
    assert history.count("<td>1</td>") >= 2  # two decisions under version 1
    refused = client.post(url, data={**form, "action": "withdraw"})
    assert refused.status_code == 400 and "nothing to withdraw" in refused.text
    no_csrf = client.post(url, data={k: v for k, v in form.items() if k != "csrf_token"})
    assert no_csrf.status_code == 403


def test_carer_acts_only_with_proxy_consent_and_never_changes_it(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    carer = log_in(client_factory(), web_world, web_world["carer"])
    url = f"/people/{web_world.person_id}/consent"
    page = carer.get(url)
    assert page.status_code == 200
    token = csrf_from(page.text)
    change_proxy = carer.post(
        url,
        data={
            "csrf_token": token,
            "purpose": "direct_care",
            "stream": "proxy_access",
            "action": "withdraw",
        },
    )
    assert change_proxy.status_code == 400
    person = log_in(client_factory(), web_world, web_world["person"])
    person_token = csrf_from(person.get(url).text)
    withdrawn = person.post(
        url,
        data={
            "csrf_token": person_token,
            "purpose": "direct_care",
            "stream": "proxy_access",
            "action": "withdraw",
        },
        follow_redirects=False,
    )
    assert withdrawn.status_code == 303
    assert carer.get(url).status_code == 403
    assert carer.get(f"/people/{web_world.person_id}").status_code == 403


def test_clinician_records_on_behalf_and_offers_an_alternative(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    pid = web_world.person_id
    page = clinician.get(f"/people/{pid}/consent")
    assert page.status_code == 200 and "on paper or by phone" in page.text
    token = csrf_from(page.text)
    done = clinician.post(
        f"/people/{pid}/consent",
        data={
            "csrf_token": token,
            "purpose": "research",
            "stream": "check_ins",
            "action": "refuse",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "Staff, on the person" in clinician.get(f"/people/{pid}/consent").text
    person = log_in(client_factory(), web_world, web_world["person"])
    ptoken = csrf_from(person.get(f"/people/{pid}/care-choices").text)
    declined = person.post(
        f"/people/{pid}/care-choices/decline",
        data={"csrf_token": ptoken, "part": "daily_check_ins"},
        follow_redirects=False,
    )
    assert declined.status_code == 303
    prompt = clinician.get(f"/people/{pid}/care-choices")
    assert "What did you offer instead?" in prompt.text
    vague = clinician.post(  # "something else" without saying what: the summary links to it
        f"/people/{pid}/care-choices/offer",
        data={"csrf_token": token, "part": "daily_check_ins", "alternative": "other"},
    )
    assert vague.status_code == 400
    assert 'href="#alternative-daily_check_ins"' in vague.text
    assert 'id="alternative-daily_check_ins"' in vague.text
    assert "Say in the note what was offered instead." in vague.text
    offered = clinician.post(
        f"/people/{pid}/care-choices/offer",
        data={
            "csrf_token": token,
            "part": "daily_check_ins",
            "alternative": "phone_check_in_calls",
            "note": "weekly call on Tuesdays",
            "accepted": "yes",
        },
        follow_redirects=False,
    )
    assert offered.status_code == 303
    after = clinician.get(f"/people/{pid}/care-choices").text
    assert "What did you offer instead?" not in after
    assert "weekly call on Tuesdays" not in after  # the note is stored encrypted, not shown here


def test_fhir_consent_export_and_data_download_validate(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    person = log_in(client_factory(), web_world, web_world["person"])
    pid = web_world.person_id
    consents = person.get(f"/api/v1/people/{pid}/consent/fhir")
    assert consents.status_code == 200
    resources = [e["resource"] for e in consents.json()["entry"]]
    assert resources and all(Consent.model_validate(r) for r in resources)
    bundle = person.get(f"/people/{pid}/my-data/fhir")
    assert bundle.status_code == 200
    parsed = Bundle.model_validate_json(bundle.text)
    kinds = {e.resource.get_resource_type() for e in parsed.entry or [] if e.resource}
    assert kinds >= {"Patient", "Consent"}
    assert "Testy Synthetic" in person.get(f"/people/{pid}/my-data/summary").text
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    assert clinician.get(f"/people/{pid}/my-data/fhir").status_code == 403


def test_correction_request_reaches_the_care_team(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    person = log_in(client_factory(), web_world, web_world["person"])
    pid = web_world.person_id
    token = csrf_from(person.get(f"/people/{pid}/my-data").text)
    empty = person.post(f"/people/{pid}/corrections", data={"csrf_token": token, "text": " "})
    assert empty.status_code == 400
    asked = person.post(
        f"/people/{pid}/corrections",
        data={"csrf_token": token, "text": "My GP is Dr Rhys, not Dr Rees"},
        follow_redirects=False,
    )
    assert asked.status_code == 303
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    assert "Dr Rhys" in clinician.get(f"/people/{pid}/corrections").text


def test_discharge_after_digital_only_care_needs_confirmation(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    pid = web_world.person_id
    clock = web_world.platform.clock
    assert isinstance(clock, ControllableClock)
    clock.advance(timedelta(weeks=6))
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    record = clinician.get(f"/people/{pid}").text
    start = record.index(f"/people/{pid}/episodes/") + len(f"/people/{pid}/episodes/")
    episode_id = record[start : record.index("/discharge", start)]
    url = f"/people/{pid}/episodes/{episode_id}/discharge"
    form = clinician.get(url)
    assert "digital only" in form.text
    token = csrf_from(form.text)
    refused = clinician.post(url, data={"csrf_token": token, "reason": "completed"})
    assert refused.status_code == 400
    english = html.unescape(refused.text)
    days = re.search(r"There has been no contact with a person for (\d+) days\.", english)
    assert days is not None and int(days.group(1)) >= 42
    clinician.cookies.set("wc_lang", "cy")  # translated first, then the number of days filled in
    welsh = html.unescape(
        clinician.post(url, data={"csrf_token": token, "reason": "completed"}).text
    )
    assert f"Ni fu unrhyw gysylltiad â pherson ers {days.group(1)} diwrnod." in welsh
    assert "There has been no contact" not in welsh
    clinician.cookies.set("wc_lang", "en")
    flagged = clinician.get("/caseload/digital-only").text
    assert "Testy Synthetic" in flagged
    assert "no contact with a person for too long" in clinician.get("/caseload").text
    assert "Digital-only care:" in record
    done = clinician.post(
        url,
        data={
            "csrf_token": token,
            "reason": "completed",
            "confirm": "yes",
            "confirmation_reason": "Person asked to finish; GP informed",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303


def test_manager_sees_suppressed_human_contact_and_choice_figures(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    manager = log_in(client_factory(), web_world, web_world["manager"])
    home = manager.get("/")
    assert home.status_code == 200 and "Digital only for more than" in home.text
    report = manager.get("/service/choices")
    assert report.status_code == 200 and "Testy" not in report.text


def test_new_pages_are_listed_for_the_route_walkers(web_world: World) -> None:
    paths = {r.path for r in api_routes(create_app(web_world.platform))}
    assert {
        "/people/{person_id}/consent",
        "/people/{person_id}/my-data",
        "/api/v1/people/{person_id}/consent/fhir",
        "/service/choices",
    } <= paths


def test_the_page_says_honestly_what_was_used_before_a_withdrawal(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    from withcare.domain.consent import DataStream, Purpose

    platform = web_world.platform
    clock = platform.clock
    assert isinstance(clock, ControllableClock)
    person = log_in(client_factory(), web_world, web_world["person"])
    url = f"/people/{web_world.person_id}/consent"
    form = {"csrf_token": csrf_from(person.get(url).text), "purpose": "research"}
    form["stream"] = "questionnaires"
    person.post(url, data={**form, "action": "grant"})
    clock.advance(timedelta(hours=1))
    with platform.unit_of_work(None) as uow:
        platform.consent.require_flow(
            uow,
            web_world.person_id,
            Purpose.RESEARCH,
            DataStream.QUESTIONNAIRES,
            "Research export 12 to the university",
        )
    clock.advance(timedelta(hours=1))
    person.post(url, data={**form, "action": "withdraw"})
    page = person.get(url).text
    assert "Research export 12 to the university" in page
    assert "Before you withdrew on" in page


def test_erasure_through_the_page_ends_the_account(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    from withcare_testing.world import PASSWORD

    person = log_in(client_factory(), web_world, web_world["person"])
    url = f"/people/{web_world.person_id}/erasure"
    token = csrf_from(person.get(f"/people/{web_world.person_id}/my-data").text)
    wrong = person.post(url, data={"csrf_token": token, "confirmation": "maybe"})
    assert wrong.status_code == 400 and "Type ERASE to confirm" in wrong.text
    done = person.post(url, data={"csrf_token": token, "confirmation": "ERASE"})
    assert done.status_code == 200 and "has been erased" in done.text
    after = person.get(f"/people/{web_world.person_id}", follow_redirects=False)
    assert after.status_code == 303  # the session ended with the erasure
    again = client_factory()
    login_token = csrf_from(again.get("/login").text)
    refused = again.post(
        "/login",
        data={
            "email": web_world["person"].email,
            "password": PASSWORD,
            "csrf_token": login_token,
            "next": "/",
        },
        follow_redirects=False,
    )
    assert refused.status_code != 303
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    record = clinician.get(f"/people/{web_world.person_id}").text
    assert "Testy" not in record and "Erased" in record
