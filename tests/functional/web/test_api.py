"""The JSON API: described by OpenAPI, validated, and fuzzed by schemathesis without server errors."""

from __future__ import annotations

from collections.abc import Callable

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from withcare.web.app import create_app
from withcare_testing.web import api_headers, log_in
from withcare_testing.world import World


def test_contact_round_trip_and_validation_errors(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    client = log_in(client_factory(), web_world, web_world["clinician"])
    headers = api_headers(client)
    url = f"/api/v1/people/{web_world.person_id}/contacts"
    bad = client.post(
        url,
        headers=headers,
        json={"occurred_at": "yesterday", "mode": "owl", "duration_minutes": -1, "extra": 1},
    )
    assert bad.status_code == 422
    assert set(bad.json()["problems"]) >= {"occurred_at", "mode", "duration_minutes", "extra"}
    made = client.post(
        url,
        headers=headers,
        json={"occurred_at": "2026-01-04T10:00:00+00:00", "mode": "video", "duration_minutes": 25},
    )
    assert made.status_code == 201, made.text
    listed = client.get(url).json()
    assert [c["id"] for c in listed] == [made.json()["id"]]


def test_pagination_is_bounded(web_world: World, client_factory: Callable[[], TestClient]) -> None:
    client = log_in(client_factory(), web_world, web_world["clinician"])
    assert client.get("/api/v1/caseload?per_page=1000").status_code == 422
    page = client.get("/api/v1/caseload?per_page=1").json()
    assert page["total"] == 1 and page["pages"] == 1


def test_openapi_describes_every_api_route(web_world: World) -> None:
    app = create_app(web_world.platform)
    spec = app.openapi()
    paths = set(spec["paths"])
    assert "/api/v1/people/{person_id}" in paths
    assert all(path.startswith("/api/") for path in paths)


def test_schemathesis_finds_no_server_errors(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    """Every operation, logged in as a clinician, with generated input: never a 5xx."""
    client = log_in(client_factory(), web_world, web_world["clinician"])
    headers = api_headers(client)
    cookies = dict(client.cookies.items())
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(web_world.platform))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            # half the time aim at a real person, so the handlers' deep paths are reached
            if case.path_parameters and hash(str(case.path_parameters)) % 2:
                case.path_parameters["person_id"] = web_world.person_id
            response = case.call(headers=headers, cookies=cookies)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}")

        run()
    assert failures == []
