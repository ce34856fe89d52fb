"""A service's refusal reaches a Welsh reader in Welsh, with its values filled in after translating."""

from __future__ import annotations

import html
from collections.abc import Callable

from fastapi.testclient import TestClient

from withcare_testing.web import csrf_from, log_in
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


def test_a_weak_password_is_explained_in_welsh_with_its_minimum(
    client_factory: Callable[[], TestClient], web_world: World
) -> None:
    """The password rule lives in the security layer; its message still reaches a Welsh admin in
    Welsh, with the minimum length filled in after translating."""
    admin = log_in(client_factory(), web_world, web_world["admin"])
    admin.cookies.set("wc_lang", "cy")
    form = admin.get("/admin/users/new")
    response = admin.post(
        "/admin/users",
        data={
            "csrf_token": csrf_from(form.text),
            "email": "new.clinician@example.org",
            "display_name": "Synthetic Clinician",
            "role": "clinician",
            "team_id": "",
            "password": "short",
        },
        follow_redirects=False,
    )
    page = html.unescape(response.text)
    assert response.status_code == 400
    assert "Defnyddiwch o leiaf 12 nod; ymadrodd byr sydd hawsaf." in page
    assert "a short phrase is easiest" not in page


def test_a_licence_block_from_the_domain_is_explained_in_welsh(
    client_factory: Callable[[], TestClient], web_world: World
) -> None:
    """The rule is the pure domain's; the instrument's name and the owner's terms are filled in
    after translating, and the terms stay in the owner's own (English) words."""
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    clinician.cookies.set("wc_lang", "cy")
    url = f"/people/{web_world.person_id}/measures/assign"
    form = clinician.get(url)
    blocked = clinician.post(
        url,
        data={"csrf_token": csrf_from(form.text), "instrument_id": "swemwbs", "schedule": "once"},
    )
    page = html.unescape(blocked.text)
    assert blocked.status_code == 400
    assert "Mae angen trwydded ar SWEMWBS cyn y gellir ei neilltuo" in page
    assert "needs a licence before" not in page
