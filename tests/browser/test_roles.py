"""Every role logs in through the real forms, sees its own home page, works on a page, logs out."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from tests.browser.support import ROLES, LiveSite, goto, heading

from withcare_testing.world import PASSWORD

LogIn = Callable[[Page, str], Page]


@dataclass(frozen=True)
class Journey:
    home_heading: str
    link: str  # the link (in the navigation or on the home page) to the role's own page
    page_heading: str
    protected: str  # a page that needs a log-in; {person} is the world's person in care
    refused: str  # a page this role must never open


JOURNEYS: dict[str, Journey] = {
    "person": Journey(
        "Hello, Testy", "My record", "Testy Synthetic", "/people/{person}", "/caseload"
    ),
    "carer": Journey(
        "Hello, Carer",
        "Testy Synthetic: the record you may see",
        "Testy Synthetic",
        "/people/{person}",
        "/people/{other}",
    ),
    "clinician": Journey("Hello, Clinician", "Caseload", "Caseload", "/caseload", "/admin/users"),
    "manager": Journey(
        "Service overview", "Safety oversight", "Safety oversight", "/service", "/people/{person}"
    ),
    # researchers and evaluators have only their home page so far
    "researcher": Journey(
        "Hello, Researcher", "Home", "Hello, Researcher", "/people/{person}", "/people/{person}"
    ),
    "evaluator": Journey(
        "Hello, Evaluator", "Home", "Hello, Evaluator", "/people/{person}", "/people/{person}"
    ),
    "admin": Journey("Hello, Admin", "Accounts", "Accounts", "/admin/users", "/people/{person}"),
}


def test_every_role_has_a_journey() -> None:
    assert set(JOURNEYS) == set(ROLES)


def _path(site: LiveSite, template: str) -> str:
    return template.format(person=site.world.person_id, other=site.world.other_person_id)


@pytest.mark.parametrize("key", list(ROLES))
def test_log_in_navigate_and_log_out(
    key: str, page: Page, site: LiveSite, log_in: LogIn, screenshot_dir: Path
) -> None:
    journey = JOURNEYS[key]
    assert site.account(key).role.value == ROLES[key]
    log_in(page, key)

    assert heading(page) == journey.home_heading
    expect(page).to_have_title(re.compile(r"Withcare$"))
    page.screenshot(path=str(screenshot_dir / f"home-{key}.png"), full_page=True)
    header = page.locator("header")
    expect(header.get_by_role("button", name="Log out")).to_be_visible()

    page.get_by_role("link", name=journey.link, exact=True).first.click()
    page.wait_for_load_state()
    assert heading(page) == journey.page_heading
    if journey.protected != journey.refused:
        goto(page, _path(site, journey.protected))

    goto(page, _path(site, journey.refused), status=403)
    assert heading(page) == "You do not have access to this page"

    session = [c for c in page.context.cookies() if c["name"] == "wc_session"]
    assert session, "no session cookie after log-in"
    header.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login?logged_out=1")
    expect(page.get_by_role("status")).to_have_text("You have logged out.")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)

    protected = _path(site, journey.protected)
    page.goto(protected)
    assert page.url == site.url(f"/login?next={protected}"), page.url
    # the old session token is dead on the server, not just forgotten by the browser
    page.context.add_cookies(session)
    page.goto(protected)
    assert page.url == site.url(f"/login?next={protected}"), page.url
    assert heading(page) == "Log in"


def test_login_page_and_public_home(page: Page, screenshot_dir: Path) -> None:
    goto(page, "/")
    assert heading(page) == "Mental health support, your way"
    page.get_by_role("main").get_by_role("link", name="Log in").click()
    page.wait_for_url("**/login")
    assert heading(page) == "Log in"
    page.screenshot(path=str(screenshot_dir / "login.png"), full_page=True)
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_staff_must_give_the_one_time_code(page: Page, site: LiveSite) -> None:
    """A staff password alone opens nothing: the home page is refused until the code is given."""
    account = site.account("manager")
    goto(page, "/login")
    page.get_by_label("E-mail address").fill(account.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/login/second-factor**")
    page.goto("/service")
    assert page.url.startswith(site.url("/login/second-factor")), page.url
    page.get_by_role("button", name="Cancel and log out").click()
    page.wait_for_url("**/login?logged_out=1")
