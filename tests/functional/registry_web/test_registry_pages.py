"""Registry pages and API through the web: public browsing, compare limit, evaluator desk,
reviews with moderation, a clinician's recommendation, and a clear 400 naming the field on every
form when the input is wrong."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from withcare.domain.registry.seed import seed_bundle
from withcare_testing.web import api_headers, csrf_from, log_in
from withcare_testing.world import World

SEEDED = len(seed_bundle().technologies)  # the seed grows as facts are sourced

Factory = Callable[[], TestClient]


@pytest.fixture
def seeded(web_world: World) -> World:
    assert web_world.platform.registry.load_seed() == SEEDED
    return web_world


def _token(client: TestClient, path: str = "/technologies") -> str:
    token: str = csrf_from(client.get(path).text)
    return token


def test_anyone_can_search_filter_and_page_without_an_account(
    seeded: World, client_factory: Factory
) -> None:
    client = client_factory()
    page = client.get("/technologies")
    assert page.status_code == 200
    assert f"{SEEDED} technologies found" in page.text
    assert 'rel="next"' in page.text
    insomnia = client.get("/technologies", params={"condition": "insomnia"})
    assert "Sleepio" in insomnia.text and "reSET" not in insomnia.text
    second = client.get("/technologies", params={"page": 2})
    assert second.status_code == 200 and 'rel="prev"' in second.text
    authorised = client.get("/technologies", params={"regulation": "authorised"})
    assert authorised.status_code == 200 and "Rejoyn" in authorised.text
    empty = client.get("/technologies", params={"q": "no-such-technology-at-all"})
    assert "0 technologies found" in empty.text
    assert "Try removing a filter" in empty.text


def test_wrong_search_choices_are_named(seeded: World, client_factory: Factory) -> None:
    client = client_factory()
    for field, value in (("evidence", "excellent"), ("offline", "maybe"), ("regulation", "x")):
        response = client.get("/technologies", params={field: value})
        assert response.status_code == 400, field
        assert f'href="#{field}"' in response.text


def test_empty_registry_says_how_technologies_appear(
    web_world: World, client_factory: Factory
) -> None:
    page = client_factory().get("/technologies")
    assert page.status_code == 200
    assert "The registry is empty" in page.text


def test_technology_page_says_what_is_known_and_that_a_designation_is_not_an_authorisation(
    seeded: World, client_factory: Factory
) -> None:
    client = client_factory()
    page = client.get("/technologies/sleepio")
    assert page.status_code == 200
    text = page.text
    for heading in ("What it is for", "What is known", "What is not known", "Regulation"):
        assert heading in text
    assert "A designation is not an authorisation." in text
    assert "NICE" in text and "MTG70" in text
    assert "nice-esf" in text  # rule version shown
    assert "Fewer than 10 people" in text
    assert client.get("/technologies/no-such-thing").status_code == 404


def test_compare_up_to_four_with_row_headers_and_the_limit(
    seeded: World, client_factory: Factory
) -> None:
    client = client_factory()
    ok = client.get("/technologies/compare", params={"ids": ["sleepio", "reset", "rejoyn"]})
    assert ok.status_code == 200
    assert '<th scope="row">' in ok.text and "Sleepio" in ok.text
    too_many = client.get(
        "/technologies/compare", params={"ids": "sleepio,reset,rejoyn,reset-o,daylightrx"}
    )
    assert too_many.status_code == 400
    assert "up to 4" in too_many.text and 'href="#ids"' in too_many.text
    assert client.get("/technologies/compare").status_code == 200  # the chooser
    none = client.get("/technologies/compare", params={"ids": ""})
    assert none.status_code == 400 and 'href="#ids"' in none.text
    api = client.get("/api/v1/registry/compare", params={"ids": "a,b,c,d,e"})
    assert api.status_code == 422 and "ids" in api.json()["problems"]


def test_reviews_are_moderated_before_publication(seeded: World, client_factory: Factory) -> None:
    person = log_in(client_factory(), seeded, seeded["person"])
    token = _token(person, "/technologies/sleepio")
    bad = person.post(
        "/technologies/sleepio/reviews", data={"csrf_token": token, "rating": "9", "text": ""}
    )
    assert bad.status_code == 400
    assert 'href="#rating"' in bad.text and 'href="#text"' in bad.text
    too_long = person.post(
        "/technologies/sleepio/reviews", data={"csrf_token": token, "text": "x" * 9000}
    )
    assert too_long.status_code == 400 and 'href="#text"' in too_long.text
    sent = person.post(
        "/technologies/sleepio/reviews",
        data={"csrf_token": token, "rating": "4", "text": "Helped me get back to sleep."},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert "Helped me get back" not in client_factory().get("/technologies/sleepio").text

    evaluator = log_in(client_factory(), seeded, seeded["evaluator"])
    queue = evaluator.get("/registry/reviews")
    assert "Helped me get back" in queue.text
    review_id = queue.text.split('action="/registry/reviews/')[1].split('"')[0]
    token = csrf_from(queue.text)
    no_reason = evaluator.post(
        f"/registry/reviews/{review_id}", data={"csrf_token": token, "decision": "reject"}
    )
    assert no_reason.status_code == 400 and 'href="#reason"' in no_reason.text
    no_decision = evaluator.post(f"/registry/reviews/{review_id}", data={"csrf_token": token})
    assert no_decision.status_code == 400 and 'href="#decision"' in no_decision.text
    published = evaluator.post(
        f"/registry/reviews/{review_id}",
        data={"csrf_token": token, "decision": "publish"},
        follow_redirects=False,
    )
    assert published.status_code == 303
    assert "Helped me get back" in client_factory().get("/technologies/sleepio").text
    page = evaluator.get("/technologies/sleepio")
    token = csrf_from(page.text)
    empty = evaluator.post(
        "/technologies/sleepio/feedback-responses", data={"csrf_token": token, "what_changed": ""}
    )
    assert empty.status_code == 400
    assert 'href="#review_ids"' in empty.text and 'href="#what_changed"' in empty.text
    changed = evaluator.post(
        "/technologies/sleepio/feedback-responses",
        data={
            "csrf_token": token,
            "review_ids": review_id,
            "what_changed": "The maker added a night mode.",
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert "The maker added a night mode." in client_factory().get("/technologies/sleepio").text
    assert client_factory().get("/technologies/sleepio/reviews").status_code in (404, 405)


def test_only_evaluators_reach_the_evaluator_desk(seeded: World, client_factory: Factory) -> None:
    clinician = log_in(client_factory(), seeded, seeded["clinician"])
    for path in (
        "/technologies/sleepio/facts",
        "/technologies/sleepio/assessment",
        "/registry/reviews",
        "/registry/import",
        "/api/v1/registry/export",
    ):
        assert clinician.get(path).status_code == 403, path


def test_evaluator_verifies_a_fact_and_overrides_only_with_a_reason(
    seeded: World, client_factory: Factory
) -> None:
    evaluator = log_in(client_factory(), seeded, seeded["evaluator"])
    sheet = evaluator.get("/technologies/reset/facts")
    assert sheet.status_code == 200 and "access.cost_model" in sheet.text
    token = csrf_from(sheet.text)
    wrong_key = evaluator.post(
        "/technologies/reset/facts/verify", data={"csrf_token": token, "key": "no.such"}
    )
    assert wrong_key.status_code == 400 and 'href="#key"' in wrong_key.text
    verified = evaluator.post(
        "/technologies/reset/facts/verify",
        data={"csrf_token": token, "key": "access.cost_model"},
        follow_redirects=False,
    )
    assert verified.status_code == 303
    after = evaluator.get("/technologies/reset/facts").text
    assert "Earlier versions" in after and "Evaluator" in after
    missing = evaluator.post(
        "/technologies/reset/overrides",
        data={"csrf_token": token, "scheme": "mdr_rule_11", "value": "IIb", "reason": "no"},
    )
    assert missing.status_code == 400 and 'href="#reason"' in missing.text
    wrong = evaluator.post(
        "/technologies/reset/overrides",
        data={"csrf_token": token, "scheme": "owl", "value": "IIb", "reason": "x" * 20},
    )
    assert wrong.status_code == 400 and 'href="#scheme"' in wrong.text
    bad_value = evaluator.post(
        "/technologies/reset/overrides",
        data={"csrf_token": token, "scheme": "mdr_rule_11", "value": "IX", "reason": "x" * 20},
    )
    assert bad_value.status_code == 400 and 'href="#value"' in bad_value.text
    saved = evaluator.post(
        "/technologies/reset/overrides",
        data={
            "csrf_token": token,
            "scheme": "mdr_rule_11",
            "value": "IIb",
            "reason": "The notified body classed it higher for its decision support.",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    api = client_factory().get("/api/v1/registry/technologies/reset/classifications").json()
    rule_11 = next(c for c in api if c["scheme"] == "mdr_rule_11")
    assert rule_11["effective"] == "IIb" and rule_11["override_reason"].startswith("The notified")


def test_self_assessment_wizard_and_reports(seeded: World, client_factory: Factory) -> None:
    evaluator = log_in(client_factory(), seeded, seeded["evaluator"])
    page = evaluator.get("/technologies/sleepio/assessment")
    assert page.status_code == 200 and "NHS" in page.text
    token = csrf_from(page.text)
    bad = evaluator.post(
        "/technologies/sleepio/assessment",
        data={"csrf_token": token, "privacy.policy_url": "not a web address"},
    )
    assert bad.status_code == 400 and 'href="#privacy.policy_url"' in bad.text
    good = evaluator.post(
        "/technologies/sleepio/assessment",
        data={
            "csrf_token": token,
            "intended_use.significance": "treat",
            "intended_use.seriousness": "serious",
            "function.complex": "yes",
            "privacy.policy_url": "https://example.org/privacy",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303
    report = evaluator.get("/technologies/sleepio/assessment/report.json")
    assert report.status_code == 200
    data = json.loads(report.text)
    assert data["facts"]["intended_use.significance"] == "treat"
    assert {c["scheme"] for c in data["classifications"]} >= {"nice_esf_tier", "mdr_rule_11"}
    pdf = evaluator.get("/technologies/sleepio/assessment/report.pdf")
    assert pdf.content.startswith(b"%PDF")
    html = evaluator.get("/technologies/sleepio/assessment/report.html")
    assert "Self-assessment" in html.text
    assert evaluator.get("/technologies/sleepio/assessment/report.doc").status_code == 422
    api = evaluator.get("/api/v1/registry/technologies/sleepio/assessment").json()
    assert api["facts"]["function.complex"] is True


def test_import_is_all_or_nothing_with_line_errors(
    web_world: World, client_factory: Factory
) -> None:
    evaluator = log_in(client_factory(), web_world, web_world["evaluator"])
    token = csrf_from(evaluator.get("/registry/import").text)
    csv_text = (
        "id,name,country,website\n"
        "org-ok,Fine Ltd,UK,https://fine.example\n"
        ",Nameless,UK,\n"
        "org-bad,Bad site,UK,ftp://nope\n"
    )
    refused = evaluator.post(
        "/registry/import",
        data={"csrf_token": token, "kind": "organisations"},
        files={"file": ("organisations.csv", csv_text, "text/csv")},
    )
    assert refused.status_code == 400
    assert "line 3" in refused.text and "line 4" in refused.text
    assert 'href="#file"' in refused.text
    assert client_factory().get("/technologies").text.count("Fine Ltd") == 0
    no_kind = evaluator.post(
        "/registry/import",
        data={"csrf_token": token},
        files={"file": ("organisations.csv", csv_text, "text/csv")},
    )
    assert no_kind.status_code == 400 and 'href="#kind"' in no_kind.text
    no_file = evaluator.post("/registry/import", data={"csrf_token": token})
    assert no_file.status_code == 400 and 'href="#file"' in no_file.text
    wrong_type = evaluator.post(
        "/registry/import",
        data={"csrf_token": token},
        files={"file": ("notes.txt", "hello", "text/plain")},
    )
    assert wrong_type.status_code == 400 and 'href="#file"' in wrong_type.text
    bundle = {
        "organisations": [{"id": "org-new", "name": "New Org"}],
        "technologies": [
            {"id": "calmly", "name": "Calmly", "organisation_id": "org-new", "kind": "app"}
        ],
    }
    accepted = evaluator.post(
        "/registry/import",
        data={"csrf_token": token},
        files={"file": ("bundle.json", json.dumps(bundle), "application/json")},
    )
    assert accepted.status_code == 200 and "Imported" in accepted.text
    assert "<li>1 organisations</li>" in accepted.text  # kinds by name, not by code
    assert '<option value="intended_uses">intended uses</option>' in accepted.text
    evaluator.cookies.set("wc_lang", "cy")
    assert '<option value="intended_uses">defnyddiau arfaethedig</option>' in (
        evaluator.get("/registry/import").text
    )
    evaluator.cookies.set("wc_lang", "en")
    assert "Calmly" in client_factory().get("/technologies").text
    again = evaluator.post(
        "/registry/import",
        data={"csrf_token": token},
        files={"file": ("bundle.json", json.dumps(bundle), "application/json")},
    )
    assert again.status_code == 400 and "duplicate id" in again.text
    exported = evaluator.get("/api/v1/registry/export")
    assert exported.status_code == 200
    assert [t["id"] for t in exported.json()["technologies"]] == ["calmly"]
    csv_export = evaluator.get("/api/v1/registry/export?format=csv&kind=technologies")
    assert csv_export.text.startswith("id,name,organisation_id")
    assert evaluator.get("/api/v1/registry/export?format=csv").status_code == 422


def test_clinician_recommends_from_the_record(seeded: World, client_factory: Factory) -> None:
    clinician = log_in(client_factory(), seeded, seeded["clinician"])
    record = clinician.get(f"/people/{seeded.person_id}")
    assert f"/people/{seeded.person_id}/recommendations" in record.text
    page = clinician.get(f"/people/{seeded.person_id}/recommendations")
    assert page.status_code == 200 and "No technology has been recommended yet" in page.text
    token = csrf_from(page.text)
    bad = clinician.post(
        f"/people/{seeded.person_id}/recommendations",
        data={"csrf_token": token, "technology_id": "nope", "note": "x" * 400},
    )
    assert bad.status_code == 400
    assert 'href="#technology_id"' in bad.text and 'href="#note"' in bad.text
    made = clinician.post(
        f"/people/{seeded.person_id}/recommendations",
        data={"csrf_token": token, "technology_id": "sleepio", "note": "Try for 6 weeks"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    listed = clinician.get(f"/people/{seeded.person_id}/recommendations")
    assert "Sleepio" in listed.text and "Try for 6 weeks" in listed.text
    outsider = log_in(client_factory(), seeded, seeded["outsider"])
    assert outsider.get(f"/people/{seeded.person_id}/recommendations").status_code == 403


def test_api_lists_and_describes_technologies(seeded: World, client_factory: Factory) -> None:
    client = client_factory()
    listed = client.get("/api/v1/registry/technologies", params={"condition": "insomnia"})
    assert listed.status_code == 200
    assert "sleepio" in [t["id"] for t in listed.json()["items"]]
    detail = client.get("/api/v1/registry/technologies/sleepio").json()
    assert detail["name"] == "Sleepio" and detail["outcomes"]["enough_people"] is False
    assert all(d["authorises_marketing"] is False for d in detail["designations"])
    assert client.get("/api/v1/registry/technologies/nope").status_code == 404
    assert client.get("/api/v1/registry/technologies?min_evidence=great").status_code == 422
    logged = log_in(client_factory(), seeded, seeded["clinician"])
    assert "/technologies" in logged.get("/").text
    assert api_headers(logged)
