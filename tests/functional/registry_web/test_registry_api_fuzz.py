"""The registry API fuzzed with a seeded registry, as an evaluator (who reaches every operation)
and anonymously: never a server error."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from withcare.web.app import create_app
from withcare_testing.web import api_headers, log_in
from withcare_testing.world import World

REAL_IDS = ("sleepio", "reset", "rejoyn")


@pytest.mark.parametrize("who", ["evaluator", None])
def test_registry_api_has_no_server_errors(
    web_world: World, client_factory: Callable[[], TestClient], who: str | None
) -> None:
    web_world.platform.registry.load_seed()
    client = client_factory()
    headers: dict[str, str] = {}
    if who is not None:
        client = log_in(client, web_world, web_world[who])
        headers = api_headers(client)
    cookies = dict(client.cookies.items())
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(web_world.platform))
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().path.startswith("/api/v1/registry")
    ]
    assert len(operations) >= 6
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=20,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            if case.path_parameters and "technology_id" in case.path_parameters:
                pick = hash(str(case.path_parameters)) % (len(REAL_IDS) + 1)
                if pick < len(REAL_IDS):
                    case.path_parameters["technology_id"] = REAL_IDS[pick]
            response = case.call(headers=headers, cookies=cookies)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}")

        run()
    assert failures == []
