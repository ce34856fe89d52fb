"""With JavaScript switched off, a clinician logs in, records a contact and sees it on the record."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect
from tests.browser.support import ContextFactory, LiveSite, goto, heading

from withcare_testing.world import PASSWORD


def _no_js_page(new_context: ContextFactory) -> Page:
    page = new_context(java_script_enabled=False).new_page()
    goto(page, "/")
    return page


def test_record_a_contact_without_javascript(new_context: ContextFactory, site: LiveSite) -> None:
    page = _no_js_page(new_context)
    clinician = site.account("clinician")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("E-mail address").fill(clinician.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("6-digit code").fill(site.code_for("clinician"))
    page.get_by_role("button", name="Continue").click()
    assert heading(page) == "Hello, Clinician"

    page.get_by_role("link", name="Testy Synthetic").first.click()
    assert heading(page) == "Testy Synthetic"
    page.get_by_role("link", name="Record a contact").click()
    assert heading(page) == "Record a contact with Testy Synthetic"

    # a moment and a length no other test uses, so the row found below is this one
    when = (datetime.now(UTC) - timedelta(days=2)).replace(hour=7, minute=13)
    page.get_by_role("radio", name=re.compile(r"^phone$", re.IGNORECASE)).check()
    page.get_by_label("Date").fill(when.strftime("%Y-%m-%d"))
    page.get_by_label("Time").fill("07:13")
    page.get_by_label("Duration in minutes").fill("47")
    page.get_by_role("button", name="Record contact").click()

    page.wait_for_url(f"**/people/{site.world.person_id}?recorded=1")
    expect(page.get_by_role("status")).to_have_text("The contact has been recorded.")
    row = page.locator("main table tr", has_text=when.strftime("%d/%m/%Y 07:13"))
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text(re.compile(r"^phone$", re.IGNORECASE))
    expect(row.locator("td").nth(2)).to_have_text("47")
    expect(row.locator("td").nth(3)).to_have_text("Clinician")

    page.get_by_role("button", name="Log out").click()
    assert heading(page) == "Log in"
    goto(page, f"/people/{site.world.person_id}")
    assert page.url.startswith(site.url("/login?next=")), page.url


def test_mistakes_are_explained_without_javascript(
    new_context: ContextFactory, site: LiveSite
) -> None:
    """The form is sent as it is (novalidate): the server's own messages must appear, linked."""
    page = _no_js_page(new_context)
    goto(page, "/login")
    page.get_by_role("button", name="Log in").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name="Enter your e-mail address.")).to_have_attribute(
        "href", "#email"
    )
    expect(page.get_by_label("E-mail address")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
