"""Every route declares a permission, and the outsider is refused on every route about a person."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from withcare.security.authorisation import PERSON_SCOPED, Permission
from withcare.web.app import create_app
from withcare.web.route_index import api_routes, other_routes
from withcare_testing.web import api_headers, csrf_from, log_in
from withcare_testing.world import World

# Framework routes that serve no personal data: the OpenAPI description and static files.
UNGUARDED_BY_DESIGN = {"/api/openapi.json", "/static"}


def test_every_route_declares_a_permission(web_world: World) -> None:
    app = create_app(web_world.platform)
    routes = api_routes(app)
    assert len(routes) >= 15, "the route walker found too few routes: it is broken"
    assert [f"{sorted(r.methods)} {r.path}" for r in routes if r.permission is None] == []
    assert set(other_routes(app)) <= UNGUARDED_BY_DESIGN


def test_routes_about_a_person_declare_a_person_scoped_permission(web_world: World) -> None:
    for route in api_routes(create_app(web_world.platform)):
        if "{person_id}" in route.path:
            assert route.permission in PERSON_SCOPED, route.path


def person_routes(world: World) -> list[tuple[str, str]]:
    found = [
        (method, route.path)
        for route in api_routes(create_app(world.platform))
        if "{person_id}" in route.path
        for method in sorted(route.methods - {"HEAD"})
    ]
    assert found, "no person routes found: the walker is broken"
    return found


@pytest.mark.parametrize(
    "who", ["outsider", "researcher", "manager", "admin", "evaluator", "other_person"]
)
def test_people_without_a_relationship_are_refused_on_every_person_route(
    web_world: World, client_factory: Callable[[], TestClient], who: str
) -> None:
    client = log_in(client_factory(), web_world, web_world[who])
    headers = api_headers(client)
    token = csrf_from(client.get("/").text)
    for method, path in person_routes(web_world):
        url = path.replace("{person_id}", web_world.person_id)
        if method == "GET":
            response = client.get(url)
        elif path.startswith("/api/"):
            response = client.request(
                method,
                url,
                headers=headers,
                json={
                    "occurred_at": "2026-01-01T10:00:00Z",
                    "mode": "phone",
                    "duration_minutes": 10,
                },
            )
        else:
            response = client.request(
                method,
                url,
                data={
                    "csrf_token": token,
                    "mode": "phone",
                    "date": "2026-01-01",
                    "time": "10:00",
                    "duration": "10",
                },
            )
        assert response.status_code == 403, (who, method, path, response.status_code)
        assert "Testy" not in response.text


def test_the_anonymous_are_sent_to_log_in_on_every_guarded_route(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    client = client_factory()
    for route in api_routes(create_app(web_world.platform)):
        if "GET" not in route.methods or route.permission is Permission.PUBLIC:
            continue
        url = route.path.replace("{person_id}", web_world.person_id)
        response = client.get(url, follow_redirects=False)
        if route.path.startswith("/api/"):
            assert response.status_code == 401, route.path
        else:
            assert response.status_code == 303, route.path
            assert response.headers["location"].startswith("/login"), route.path
