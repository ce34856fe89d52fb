"""Log-in helpers for the TestClient: a real log-in through the forms, CSRF token and all."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from withcare_testing.world import PASSWORD, Account, World

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def page_csrf(client: TestClient) -> str:
    return csrf_from(
        client.get("/login").text if "wc_session" not in client.cookies else client.get("/").text
    )


def log_in(
    client: TestClient, world: World, account: Account, *, code: str | None = None
) -> TestClient:
    """Log ``account`` in through the forms. Staff type ``code``, by default a fresh one from
    ``Account.code`` (codes work once; that helper explains how it finds an unused one)."""
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": account.email, "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    if account.role.is_staff:
        assert response.headers["location"].startswith("/login/second-factor")
        response = client.post(
            "/login/second-factor",
            data={"code": code or account.code(world.platform), "csrf_token": token, "next": "/"},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text[:500]
    return client


def api_headers(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.get("/api/v1/me").json()["csrf_token"]}
