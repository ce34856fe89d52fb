"""The layout every page shares: "Talk to a person" always in reach, and the language switch."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from tests.browser.support import ContextFactory, LiveSite, fill_login, goto, heading

# every page a person in care (and an anonymous visitor) can reach, error pages included
PERSON_PAGES = [
    ("/", 200),
    ("/people/{person}", 200),
    ("/people/{person}/access-log", 200),
    ("/talk-to-a-person", 200),
    ("/people/{other}", 403),
    ("/no-such-page", 404),
]
ANONYMOUS_PAGES = [
    ("/", 200),
    ("/login", 200),
    ("/login?logged_out=1", 200),
    ("/talk-to-a-person", 200),
    ("/no-such-page", 404),
    ("/logout", 405),
]


def _talk_link_everywhere(page: Page, site: LiveSite, pages: list[tuple[str, int]]) -> None:
    for template, status in pages:
        path = template.format(person=site.world.person_id, other=site.world.other_person_id)
        goto(page, path, status)
        link = page.get_by_role("banner").get_by_role("link", name="Talk to a person")
        expect(link).to_have_count(1)
        expect(link).to_be_visible()
        expect(link).to_have_attribute("href", "/talk-to-a-person")
    page.get_by_role("banner").get_by_role("link", name="Talk to a person").click()
    assert heading(page) == "Talk to a person"
    expect(page.locator("main")).to_contain_text("999")


def test_talk_to_a_person_on_every_page_for_a_person_in_care(page: Page, site: LiveSite) -> None:
    fill_login(page, site, "person")
    _talk_link_everywhere(page, site, PERSON_PAGES)


def test_talk_to_a_person_on_every_page_for_anonymous_visitors(page: Page, site: LiveSite) -> None:
    _talk_link_everywhere(page, site, ANONYMOUS_PAGES)


def _switch(page: Page, name: str) -> None:
    page.get_by_role("banner").get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_switching_to_welsh_and_back(
    javascript: bool, new_context: ContextFactory, site: LiveSite
) -> None:
    page = new_context(java_script_enabled=javascript).new_page()
    goto(page, "/talk-to-a-person")
    assert page.locator("html").get_attribute("lang") == "en"
    english = {"h1": heading(page), "title": page.title(), "main": page.inner_text("main")}
    assert english["h1"] == "Talk to a person"

    _switch(page, "Cymraeg")
    expect(page, "the switch must stay on the same page").to_have_url(site.url("/talk-to-a-person"))
    assert page.locator("html").get_attribute("lang") == "cy"
    welsh = {"h1": heading(page), "title": page.title(), "main": page.inner_text("main")}
    for part in english:
        assert welsh[part] != english[part], f"the {part} is not translated: {welsh[part]!r}"
    expect(page.get_by_role("button", name="Cymraeg")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "false")
    # the choice sticks for the next page, including the skip link and navigation chrome
    goto(page, "/login")
    assert page.locator("html").get_attribute("lang") == "cy"
    assert heading(page) != "Log in"
    assert page.locator("a.skip-link").inner_text() != "Skip to main content"

    _switch(page, "English")
    assert page.locator("html").get_attribute("lang") == "en"
    assert heading(page) == "Log in"


def test_a_logged_in_person_can_switch_language(
    new_context: ContextFactory, site: LiveSite
) -> None:
    """The choice is kept with the account too; ``other_person`` so no other test sees Welsh."""
    page = new_context().new_page()
    fill_login(page, site, "other_person")
    english_nav = page.get_by_role("navigation").inner_text()
    _switch(page, "Cymraeg")
    expect(page).to_have_url(site.url("/"))
    assert page.locator("html").get_attribute("lang") == "cy"
    assert heading(page) != "Hello, Other"
    assert "Other" in heading(page)
    assert page.get_by_role("navigation").inner_text() != english_nav
    # the language button names stay in their own language, marked up as such
    expect(page.get_by_role("button", name="English")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Cymraeg")).to_have_attribute("lang", "cy")

    # a fresh browser (no language cookie) gets the account's language after logging in
    fresh = new_context().new_page()
    fill_login(fresh, site, "other_person")
    assert fresh.locator("html").get_attribute("lang") == "cy"
    _switch(fresh, "English")
    assert fresh.locator("html").get_attribute("lang") == "en"
