"""A service's refusal reaches a Welsh reader in Welsh, with its values filled in after translating."""

from __future__ import annotations

import html
from collections.abc import Callable

from fastapi.testclient import TestClient

from withcare_testing.web import csrf_from
from withcare_testing.world import World


def _log_in_attempt(client: TestClient, email: str, password: str) -> str:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 400
    return html.unescape(response.text)


def test_a_wrong_password_is_refused_in_welsh(
    client_factory: Callable[[], TestClient], web_world: World
) -> None:
    client = client_factory()
    client.cookies.set("wc_lang", "cy")
    page = _log_in_attempt(client, web_world.accounts["person"].email, "not the password")
    assert '<html lang="cy">' in page
    assert "Nid yw'r cyfeiriad e-bost a'r cyfrinair hynny'n cyfateb." in page
    assert "do not match" not in page


def test_a_message_with_a_value_is_translated_then_filled_in(
    client_factory: Callable[[], TestClient], web_world: World
) -> None:
    client = client_factory()
    client.cookies.set("wc_lang", "cy")
    email = web_world.accounts["person"].email
    settings = web_world.platform.settings
    for _ in range(settings.max_failed_logins):
        _log_in_attempt(client, email, "not the password")
    page = _log_in_attempt(client, email, "not the password")
    minutes = settings.lockout_minutes
    assert f"mae wedi'i gloi am {minutes} munud arall" in page or (
        f"mae wedi'i gloi am {minutes + 1} munud arall" in page
    )
    assert "Too many attempts" not in page
