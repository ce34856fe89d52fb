"""Researchers and managers never see identifiable data: every GET route, through the UI and the
API, is requested as each of them and no known personal value of any test-world person appears
(issue 5, P6)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from withcare.db.models import Person
from withcare.web.app import create_app
from withcare.web.route_index import api_routes
from withcare_testing.web import log_in
from withcare_testing.world import World


def _known_values(world: World) -> set[str]:
    values: set[str] = set()
    with world.platform.unit_of_work(None) as uow:
        for person in uow.session.execute(select(Person)).scalars():
            values |= {person.id, person.given_name, f"{person.given_name} {person.family_name}"}
            values |= {person.date_of_birth.isoformat(), person.date_of_birth.strftime("%d/%m/%Y")}
            values |= {v for v in (person.email, person.phone) if v}
    for account in world.accounts.values():
        if account.person_id:
            values.add(account.email)
    return values


@pytest.mark.parametrize("who", ["researcher", "manager"])
def test_no_route_shows_a_personal_value(
    web_world: World, client_factory: Callable[[], TestClient], who: str
) -> None:
    client = log_in(client_factory(), web_world, web_world[who])
    known = _known_values(web_world)
    checked = 0
    for route in api_routes(create_app(web_world.platform)):
        if "GET" not in route.methods:
            continue
        url = (
            route.path.replace("{person_id}", web_world.person_id)
            .replace("{episode_id}", "x")
            .replace("{", "")
            .replace("}", "")
        )
        response = client.get(url, follow_redirects=True)
        leaked = sorted(v for v in known if v in response.text and not _in_request(v, url))
        assert leaked == [], (who, route.path, leaked)
        checked += 1
    assert checked >= 15


def _in_request(value: str, url: str) -> bool:
    """A person id placed in the URL by this test may echo back in links or the log-in redirect."""
    return value in url
