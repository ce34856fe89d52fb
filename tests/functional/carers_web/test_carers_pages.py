"""Carers and proxy access through the pages and the JSON API: the person's journey, the carer's
journey, mistakes answered on the form, others refused, and the pages in Welsh."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from withcare.web.app import create_app
from withcare_testing.web import api_headers, csrf_from, log_in
from withcare_testing.world import PASSWORD, World

CODE = re.compile(r'<strong class="invitation-code">([A-Z0-9-]+)</strong>')


def new_carer_client(
    world: World, client_factory: Callable[[], TestClient], email: str = "new.carer"
) -> TestClient:
    from withcare.domain.roles import Role

    with world.platform.unit_of_work(None) as uow:
        world.platform.accounts.create_user(
            uow,
            email=f"{email}@test.withcare.test",
            display_name="New Carer",
            role=Role.CARER,
            password=PASSWORD,
        )
    client = client_factory()
    token = csrf_from(client.get("/login").text)
    done = client.post(
        "/login",
        data={
            "email": f"{email}@test.withcare.test",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    return client


def test_person_invites_carer_links_then_person_narrows_and_stops(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    person = log_in(client_factory(), web_world, web_world["person"])
    home = person.get("/").text
    url = f"/people/{web_world.person_id}/carers"
    assert f'href="{url}"' in home
    page = person.get(url)
    assert page.status_code == 200 and "People who can act for you" in page.text
    token = csrf_from(page.text)

    missing = person.post(f"{url}/invitations", data={"csrf_token": token})
    assert missing.status_code == 400
    assert "Choose at least one thing your carer can see." in missing.text
    assert 'href="#scopes-new"' in missing.text and 'id="scopes-new"' in missing.text

    made = person.post(
        f"{url}/invitations",
        data={"csrf_token": token, "scopes": ["view_record", "view_measures"]},
    )
    assert made.status_code == 200
    found = CODE.search(made.text)
    assert found, made.text[:2000]
    code = found.group(1)
    listed = person.get(url).text
    assert "Invitations waiting" in listed and code not in listed

    carer = new_carer_client(web_world, client_factory)
    assert 'href="/carer/link"' in carer.get("/").text
    form = carer.get("/carer/link")
    assert form.status_code == 200 and 'for="code"' in form.text
    carer_token = csrf_from(form.text)
    bad = carer.post("/carer/link", data={"csrf_token": carer_token, "code": "WRONG-CODE-1234"})
    assert bad.status_code == 400 and "That code does not work." in bad.text
    assert 'aria-invalid="true"' in bad.text
    empty = carer.post("/carer/link", data={"csrf_token": carer_token, "code": ""})
    assert empty.status_code == 400 and "Enter the code the person gave you." in empty.text
    linked = carer.post(
        "/carer/link", data={"csrf_token": carer_token, "code": code}, follow_redirects=False
    )
    assert linked.status_code == 303 and linked.headers["location"] == "/?linked=1"
    assert "You are now linked" in carer.get("/?linked=1").text
    record = f"/people/{web_world.person_id}"
    assert carer.get(record).status_code == 200
    again = carer.post("/carer/link", data={"csrf_token": carer_token, "code": code})
    assert again.status_code == 400 and "That code does not work." in again.text

    view = person.get(url).text
    grant_id = re.findall(r'action="/people/[0-9a-f]+/carers/([0-9a-f]{32})/stop"', view)
    assert len(grant_id) == 2  # the world's carer and the new one
    new_grant = next(g for g in grant_id if f'id="carer-{g}">New Carer<' in view)
    emptied = person.post(f"{url}/{new_grant}/scopes", data={"csrf_token": token})
    assert emptied.status_code == 400 and f'href="#scopes-{new_grant}"' in emptied.text
    narrowed = person.post(
        f"{url}/{new_grant}/scopes",
        data={"csrf_token": token, "scopes": "view_measures"},
        follow_redirects=False,
    )
    assert narrowed.status_code == 303
    assert carer.get(record).status_code == 403  # at once
    assert carer.get(f"{record}/measures").status_code == 200
    stopped = person.post(
        f"{url}/{new_grant}/stop", data={"csrf_token": token}, follow_redirects=False
    )
    assert stopped.status_code == 303
    assert carer.get(f"{record}/measures").status_code == 403
    assert "cannot see anything of yours" in person.get(stopped.headers["location"]).text
    assert person.post(f"{url}/{new_grant}/stop", data={"csrf_token": token}).status_code == 404


def test_person_cancels_a_waiting_invitation(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    person = log_in(client_factory(), web_world, web_world["person"])
    url = f"/people/{web_world.person_id}/carers"
    token = csrf_from(person.get(url).text)
    made = person.post(f"{url}/invitations", data={"csrf_token": token, "scopes": "view_record"})
    found = CODE.search(made.text)
    assert found
    page = person.get(url).text
    cancel = re.search(r'action="(/people/[0-9a-f]+/carers/invitations/[0-9a-f]+/cancel)"', page)
    assert cancel
    done = person.post(cancel.group(1), data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    assert "No invitations are waiting." in person.get(url).text
    carer = new_carer_client(web_world, client_factory)
    refused = carer.post(
        "/carer/link",
        data={"csrf_token": csrf_from(carer.get("/carer/link").text), "code": found.group(1)},
    )
    assert refused.status_code == 400


def test_clinician_sees_the_list_on_the_record_but_cannot_change_it(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    record = clinician.get(f"/people/{web_world.person_id}")
    assert record.status_code == 200 and "People who can act for this person" in record.text
    page = clinician.get(f"/people/{web_world.person_id}/carers")
    assert page.status_code == 200 and "<form" not in page.text.split("<main", 1)[1]
    token = csrf_from(page.text)
    refused = clinician.post(
        f"/people/{web_world.person_id}/carers/invitations",
        data={"csrf_token": token, "scopes": "view_record"},
    )
    assert refused.status_code == 403


def test_others_are_refused(web_world: World, client_factory: Callable[[], TestClient]) -> None:
    url = f"/people/{web_world.person_id}/carers"
    for key in ("other_person", "carer", "outsider"):
        client = log_in(client_factory(), web_world, web_world[key])
        assert client.get(url).status_code == 403, key
        token = csrf_from(client.get("/").text)
        made = client.post(
            f"{url}/invitations", data={"csrf_token": token, "scopes": "view_record"}
        )
        assert made.status_code == 403, key
    person = log_in(client_factory(), web_world, web_world["person"])
    assert person.get("/carer/link").status_code == 403
    anonymous = client_factory()
    assert anonymous.get("/carer/link", follow_redirects=False).status_code == 303


def test_no_csrf_token_no_change(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    person = log_in(client_factory(), web_world, web_world["person"])
    made = person.post(
        f"/people/{web_world.person_id}/carers/invitations", data={"scopes": "view_record"}
    )
    assert made.status_code == 403 and "invitation-code" not in made.text


def test_welsh_pages(web_world: World, client_factory: Callable[[], TestClient]) -> None:
    person = log_in(client_factory(), web_world, web_world["person"])
    person.cookies.set("wc_lang", "cy")
    page = person.get(f"/people/{web_world.person_id}/carers")
    assert page.status_code == 200 and '<html lang="cy">' in page.text
    assert "People who can act for you" not in page.text
    carer = log_in(client_factory(), web_world, web_world["carer"])
    carer.cookies.set("wc_lang", "cy")
    form = carer.get("/carer/link")
    assert '<html lang="cy">' in form.text and "Link to a person with their code" not in form.text
    bad = carer.post("/carer/link", data={"csrf_token": csrf_from(form.text), "code": "nope"})
    assert bad.status_code == 400 and "That code does not work." not in bad.text


def test_json_api(web_world: World, client_factory: Callable[[], TestClient]) -> None:
    person = log_in(client_factory(), web_world, web_world["person"])
    headers = api_headers(person)
    base = f"/api/v1/people/{web_world.person_id}/carers"
    listed = person.get(base).json()
    assert listed["proxy_access_allowed"] and len(listed["carers"]) == 1
    grant_id = listed["carers"][0]["grant_id"]
    assert person.post(f"{base}/invitations", headers=headers, json={}).status_code == 422
    made = person.post(f"{base}/invitations", headers=headers, json={"scopes": ["view_record"]})
    assert made.status_code == 201
    code = made.json()["code"]
    other = person.post(f"{base}/invitations", headers=headers, json={"scopes": ["view_record"]})
    gone = person.delete(f"{base}/invitations/{other.json()['invitation_id']}", headers=headers)
    assert gone.status_code == 204

    carer = new_carer_client(web_world, client_factory)
    carer_headers = api_headers(carer)
    wrong = carer.post("/api/v1/carer/link", headers=carer_headers, json={"code": "x"})
    assert wrong.status_code == 422 and "does not work" in wrong.json()["error"]
    linked = carer.post("/api/v1/carer/link", headers=carer_headers, json={"code": code})
    assert linked.status_code == 201 and linked.json()["person_id"] == web_world.person_id
    assert carer.get(f"/api/v1/people/{web_world.person_id}").status_code == 200
    assert carer.get(base).status_code == 403

    changed = person.put(
        f"{base}/{grant_id}/scopes", headers=headers, json={"scopes": ["view_measures"]}
    )
    assert changed.status_code == 200 and changed.json() == {"scopes": ["view_measures"]}
    assert person.delete(f"{base}/{grant_id}", headers=headers).status_code == 204
    assert len(person.get(base).json()["carers"]) == 1

    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    seen = clinician.get(base).json()
    assert len(seen["carers"]) == 1 and seen["invitations"] == []
    paths = create_app(web_world.platform).openapi()["paths"]
    assert "/api/v1/carer/link" in paths and "/api/v1/people/{person_id}/carers" in paths


def test_carer_steps_away_after_being_asked(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    carer = log_in(client_factory(), web_world, web_world["carer"])
    record = f"/people/{web_world.person_id}"
    ask = f"/carer/people/{web_world.person_id}/stop"
    home = carer.get("/").text
    assert f'href="{record}"' in home and f'href="{ask}"' in home
    assert f'href="{record}/measures"' not in home  # this carer may not see questionnaires

    page = carer.get(ask)
    assert page.status_code == 200 and "Stop acting for Testy Synthetic?" in page.text
    token = csrf_from(page.text)
    assert carer.post(ask).status_code == 403  # no CSRF token, no change
    assert carer.get(record).status_code == 200

    done = carer.post(ask, data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/?stopped=1"
    assert carer.get(record).status_code == 403
    after = carer.get("/?stopped=1").text
    assert "You no longer act for that person." in after and f'href="{ask}"' not in after
    assert carer.get(ask).status_code == 403
    assert carer.post(ask, data={"csrf_token": token}).status_code == 403

    person = log_in(client_factory(), web_world, web_world["person"])
    carers_page = person.get(f"{record}/carers").text
    assert "Carer" not in re.findall(r'id="carer-[0-9a-f]+">([^<]+)<', carers_page)
    assert "Access that ended in the last 30 days" in carers_page
    assert "Carer stopped acting for you on " in carers_page  # what the carer was told
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    assert "Carer stopped acting for the person on " in clinician.get(f"{record}/carers").text
    person.cookies.set("wc_lang", "cy")
    assert "stopped acting for you" not in person.get(f"{record}/carers").text


def test_only_a_carer_can_ask_to_step_away(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    ask = f"/carer/people/{web_world.person_id}/stop"
    for key in ("person", "clinician"):
        client = log_in(client_factory(), web_world, web_world[key])
        assert client.get(ask).status_code == 403, key
    other = log_in(client_factory(), web_world, web_world["carer"])
    assert other.get(f"/carer/people/{web_world.other_person_id}/stop").status_code == 403


def test_carer_steps_away_through_the_api_and_in_welsh(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    carer = log_in(client_factory(), web_world, web_world["carer"])
    carer.cookies.set("wc_lang", "cy")
    page = carer.get(f"/carer/people/{web_world.person_id}/stop")
    assert '<html lang="cy">' in page.text and "Stop acting for" not in page.text
    url = f"/api/v1/carer/people/{web_world.person_id}"
    assert carer.delete(url, headers=api_headers(carer)).status_code == 204
    assert carer.get(f"/api/v1/people/{web_world.person_id}").status_code == 403
    again = carer.delete(url, headers=api_headers(carer))
    assert again.status_code == 403
    person = log_in(client_factory(), web_world, web_world["person"])
    listed = person.get(f"/api/v1/people/{web_world.person_id}/carers").json()
    assert [(e["carer_name"], e["ended_by"]) for e in listed["ended"]] == [("Carer", "carer")]
    paths = create_app(web_world.platform).openapi()["paths"]
    assert "/api/v1/carer/people/{person_id}" in paths
