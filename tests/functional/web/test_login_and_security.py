"""Log-in through the real forms, CSRF on every state-changing form, headers and cookies."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from withcare_testing.web import csrf_from, log_in
from withcare_testing.world import PASSWORD, World


def test_security_headers_on_every_page(client_factory: Callable[[], TestClient]) -> None:
    client = client_factory()
    for path in ("/", "/login", "/talk-to-a-person", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["referrer-policy"] == "same-origin"
        assert headers["x-content-type-options"] == "nosniff"


def test_pages_have_no_inline_script_or_style(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    client = log_in(client_factory(), web_world, web_world["clinician"])
    for path in ("/", "/caseload", f"/people/{web_world.person_id}"):
        html = client.get(path).text
        assert "<script" not in html and "style=" not in html and "onclick" not in html


def test_session_cookie_is_httponly_and_samesite(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    client = client_factory()
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": web_world["person"].email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "wc_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # plain http on loopback


def test_session_cookie_is_secure_behind_https(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    client = client_factory()
    client.base_url = "https://testserver"  # type: ignore[assignment]
    token = csrf_from(client.get("https://testserver/login").text)
    response = client.post(
        "https://testserver/login",
        data={"email": web_world["person"].email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert "secure" in response.headers["set-cookie"].lower()
    assert "strict-transport-security" in response.headers


def test_forms_without_the_csrf_token_are_refused_and_change_nothing(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    client = log_in(client_factory(), web_world, web_world["clinician"])
    response = client.post(
        f"/people/{web_world.person_id}/contacts",
        data={
            "mode": "phone",
            "date": "2026-01-05",
            "time": "08:00",
            "duration": "10",
            "csrf_token": "forged",
        },
    )
    assert response.status_code == 403
    assert "nothing was saved" in response.text
    assert "phone" not in client.get(f"/people/{web_world.person_id}").text.split("Contacts")[-1]
    api = client.post(
        f"/api/v1/people/{web_world.person_id}/contacts",
        json={"occurred_at": "2026-01-05T08:00:00Z", "mode": "phone", "duration_minutes": 10},
    )
    assert api.status_code == 403 and "X-CSRF-Token" in api.json()["error"]


def test_wrong_password_shows_a_helpful_message_not_a_trace(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    client = client_factory()
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"email": web_world["person"].email, "password": "nope", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "do not match" in response.text and "Traceback" not in response.text
    empty = client.post("/login", data={"email": "", "password": "", "csrf_token": token})
    assert "Enter your e-mail address." in empty.text and "Enter your password." in empty.text


def test_staff_cannot_skip_the_second_factor(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    client = client_factory()
    token = csrf_from(client.get("/login").text)
    client.post(
        "/login",
        data={"email": web_world["clinician"].email, "password": PASSWORD, "csrf_token": token},
    )
    response = client.get("/caseload", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login/second-factor")
    assert client.get("/api/v1/me").status_code == 401


def test_login_redirects_only_to_this_site(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    client = client_factory()
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "email": web_world["person"].email,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_log_out_ends_the_session(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    client = log_in(client_factory(), web_world, web_world["person"])
    token = csrf_from(client.get("/").text)
    stolen = client.cookies.get("wc_session")
    client.post("/logout", data={"csrf_token": token})
    other = client_factory()
    other.cookies.set("wc_session", stolen or "")
    assert other.get("/api/v1/me").status_code == 401


def test_each_role_sees_its_own_home(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    expectations = {
        "clinician": "Your caseload",
        "person": "Things to do",
        "carer": "agreed that you can see",
        "manager": "Service overview",
        "researcher": "de-identified",
        "evaluator": "Technologies to evaluate",
        "admin": "Create an account",
    }
    for key, text in expectations.items():
        html = log_in(client_factory(), web_world, web_world[key]).get("/").text
        assert text in html, key
        assert ("Talk to a person" in html) == (key in ("person", "carer")), key


def test_admin_creates_a_clinician_with_validation(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    client = log_in(client_factory(), web_world, web_world["admin"])
    token = csrf_from(client.get("/admin/users/new").text)
    bad = client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "email": "not-an-email",
            "display_name": "",
            "role": "clinician",
            "password": "short",
        },
    )
    assert bad.status_code == 400
    assert "e-mail address like" in bad.text and "at least 12" in bad.text
    good = client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "email": "new@test.withcare.test",
            "display_name": "New Clinician",
            "role": "clinician",
            "team_id": web_world.team_a,
            "password": "a fine long password",
        },
    )
    assert good.status_code == 201 and "new@test.withcare.test" in good.text


def test_state_changes_without_a_session_are_told_to_log_in(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    client = client_factory()
    api = client.post(
        f"/api/v1/people/{web_world.person_id}/contacts",
        json={"occurred_at": "2026-01-05T08:00:00Z", "mode": "phone", "duration_minutes": 10},
    )
    assert api.status_code == 401
    assert "Log in" in api.json()["error"]
    page = client.post(
        f"/people/{web_world.person_id}/contacts", data={"mode": "phone"}, follow_redirects=False
    )
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


def test_a_used_code_gets_the_same_page_as_a_wrong_code(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    clinician = web_world["clinician"]
    watched = clinician.code(web_world.platform)  # typed by the clinician, seen by someone else
    log_in(client_factory(), web_world, clinician, code=watched)
    client = client_factory()
    token = csrf_from(client.get("/login").text)
    client.post(
        "/login", data={"email": clinician.email, "password": PASSWORD, "csrf_token": token}
    )
    pages = [
        client.post("/login/second-factor", data={"code": code, "csrf_token": token, "next": "/"})
        for code in ("000000", watched)
    ]
    assert [page.status_code for page in pages] == [400, 400]
    assert pages[0].text == pages[1].text
    assert client.get("/api/v1/me").status_code == 401
