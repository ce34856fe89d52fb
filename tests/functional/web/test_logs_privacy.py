"""Logs never contain personal data: no names, e-mail addresses, ids or dates of birth."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from withcare_testing.web import api_headers, csrf_from, log_in
from withcare_testing.world import World


def test_a_busy_session_leaves_no_personal_data_in_logs(
    web_world: World, client_factory: Callable[[], TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    clinician.get("/caseload")
    clinician.get(f"/people/{web_world.person_id}")
    clinician.post(
        f"/api/v1/people/{web_world.person_id}/contacts",
        headers=api_headers(clinician),
        json={"occurred_at": "2026-01-04T10:00:00Z", "mode": "phone", "duration_minutes": 20},
    )
    clinician.get(f"/people/{web_world.other_person_id}")  # refused
    person = log_in(client_factory(), web_world, web_world["person"])
    person.get(f"/people/{web_world.person_id}/access-log?page=1")
    anonymous = client_factory()
    anonymous.post(
        "/login",
        data={
            "email": web_world["person"].email,
            "password": "wrong",
            "csrf_token": csrf_from(anonymous.get("/login").text),
        },
    )
    # httpx/httpcore are the *test client's* own loggers, not the server's.
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    text = "\n".join(record.getMessage() for record in server_side)
    assert "/people/{person_id}" in text, "request logging is missing: the test would prove nothing"
    forbidden = [
        web_world.person_id,
        web_world.other_person_id,
        "Testy",
        "Synthetic",
        "1990-01-02",
        web_world["person"].email,
        web_world["clinician"].email,
    ]
    assert [value for value in forbidden if value in text] == []
