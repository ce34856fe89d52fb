"""axe-core's WCAG 2.0/2.1/2.2 A and AA rules on every page each audience can reach, in both languages.

Each test logs in as one audience, visits all of its pages (including error pages, the second-factor
form and forms shown with validation errors) and reports every violation on every page at once: rule
id, impact and the target selectors, so one run shows the whole picture.

The list below names the foundation's pages. On top of it, the English run of each audience follows
every same-site link it is shown, so pages added later are scanned without anyone remembering to list
them, and a link that leads to an error is reported. To stay within the time budget one page stands
for each route pattern (``/technologies/{id}``), the first few items stand for a long list of links
of one shape (a link per questionnaire), and downloads (JSON, PDF) are checked for their status only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Page, StorageState, expect
from tests.browser.support import (
    ContextFactory,
    LiveSite,
    Violation,
    axe_scan,
    fill_login,
    goto,
    report,
)

LANGUAGES = ["en", "cy"]


@dataclass(frozen=True)
class Visit:
    label: str
    path: str
    status: int = 200
    # a step after loading, e.g. sending a form with mistakes; the page it leads to is scanned
    then: Callable[[Page, LiveSite, str], None] | None = None


def _submit(page: Page, form_action: str) -> None:
    page.locator(f"main form[action='{form_action}'] button[type=submit]").click()
    page.wait_for_load_state()


def _shows_problems(page: Page) -> None:
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()


def empty_login(page: Page, site: LiveSite, language: str) -> None:
    _submit(page, "/login")
    _shows_problems(page)


def unknown_login(page: Page, site: LiveSite, language: str) -> None:
    page.locator("#email").fill("nobody@test.withcare.test")
    page.locator("#password").fill("not the password")
    _submit(page, "/login")
    expect(page.locator(".error-summary")).to_be_visible()


def bad_contact(page: Page, site: LiveSite, language: str) -> None:
    page.locator("#date").fill("")
    page.locator("#duration").fill("lots")
    _submit(page, f"/people/{site.world.person_id}/contacts")
    _shows_problems(page)


def bad_account(page: Page, site: LiveSite, language: str) -> None:
    page.locator("#password").fill("short")
    _submit(page, "/admin/users")
    _shows_problems(page)


def new_account(page: Page, site: LiveSite, language: str) -> None:
    page.locator("#display_name").fill(f"New Researcher {language}")
    page.locator("#email").fill(f"new-researcher-{language}@test.withcare.test")
    page.locator("#role").select_option("researcher")
    page.locator("#password").fill("a long enough temporary password")
    _submit(page, "/admin/users")
    expect(page.get_by_role("status")).to_be_visible()


def empty_invitation(page: Page, site: LiveSite, language: str) -> None:
    _submit(page, f"/people/{site.world.person_id}/carers/invitations")
    expect(page.locator(".error-summary")).to_be_visible()


def new_invitation(page: Page, site: LiveSite, language: str) -> None:
    page.locator("#scope-new-view_record").check()
    _submit(page, f"/people/{site.world.person_id}/carers/invitations")
    expect(page.locator(".invitation-code")).to_be_visible()


def wrong_carer_code(page: Page, site: LiveSite, language: str) -> None:
    page.locator("#code").fill("ABCD-EFGH-JKMN")
    _submit(page, "/carer/link")
    _shows_problems(page)


P = "/people/{person}"
OTHER = "/people/{other}"

VISITS: dict[str, list[Visit]] = {
    "anonymous": [
        Visit("public home", "/"),
        Visit("log-in form", "/login"),
        Visit("log-in form with missing fields", "/login", then=empty_login),
        Visit("log-in form after a failed log-in", "/login", then=unknown_login),
        Visit("logged out", "/login?logged_out=1"),
        Visit("talk to a person", "/talk-to-a-person"),
        Visit("technologies (registry)", "/technologies"),
        Visit("404 page", "/no-such-page", 404),
        Visit("405 page", "/logout", 405),
    ],
    "person": [
        Visit("home", "/"),
        Visit("own record", P),
        Visit("who has seen my record", P + "/access-log"),
        Visit("people who can act for me", P + "/carers"),
        Visit("inviting a carer, with nothing chosen", P + "/carers", then=empty_invitation),
        Visit("an invitation code", P + "/carers", then=new_invitation),
        Visit("talk to a person", "/talk-to-a-person"),
        Visit("403 page (someone else's record)", OTHER, 403),
        Visit("404 page", "/no-such-page", 404),
    ],
    "carer": [
        Visit("home", "/"),
        Visit("shared record", P),
        Visit("link to a person with their code", "/carer/link"),
        Visit("link to a person, with a wrong code", "/carer/link", then=wrong_carer_code),
        Visit("stop acting for a person (asked first)", "/carer/people/{person}/stop"),
        Visit("talk to a person", "/talk-to-a-person"),
        Visit("403 page", OTHER, 403),
    ],
    "clinician": [
        Visit("home", "/"),
        Visit("caseload", "/caseload"),
        Visit("record", P),
        Visit("record a contact", P + "/contacts/new"),
        Visit("record a contact, with mistakes", P + "/contacts/new", then=bad_contact),
        Visit("people who can act for the person (read only)", P + "/carers"),
        Visit("403 page", "/admin/users", 403),
        Visit("404 page", "/no-such-page", 404),
    ],
    "outsider": [
        Visit("home with an empty caseload", "/"),
        Visit("empty caseload", "/caseload"),
        Visit("403 page (a person in another team)", P, 403),
    ],
    "manager": [Visit("home", "/"), Visit("service overview", "/service")],
    "researcher": [Visit("home", "/"), Visit("403 page", P, 403)],
    "evaluator": [
        Visit("home", "/"),
        # the evaluator desk (registry) is not linked from any page yet, so it is listed here
        Visit("registry reviews", "/registry/reviews"),
        Visit("registry import", "/registry/import"),
    ],
    "admin": [
        Visit("home", "/"),
        Visit("accounts", "/admin/users"),
        Visit("create an account", "/admin/users/new"),
        Visit("create an account, with mistakes", "/admin/users/new", then=bad_account),
        Visit("account created", "/admin/users/new", then=new_account),
    ],
}


# --- following links --------------------------------------------------------------------------

MAX_CRAWLED = 60  # new route patterns per audience: a bound, so a link maze cannot eat the budget
ID_SEGMENT = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f-]{36}|\d+)$")
NOT_PAGES = ("/static/", "/api/")
LIST_LENGTH = 10
LIST_ITEMS_KEPT = 3
LINKS = """els => els.filter(a => !a.hasAttribute('download')).map(a => a.href)"""


def route_pattern(url: str) -> str:
    """``/people/3f…/access-log?page=2`` -> ``/people/{id}/access-log?page``: one visit per route."""
    parts = urlsplit(url)
    path = "/".join("{id}" if ID_SEGMENT.match(seg) else seg for seg in parts.path.split("/"))
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def same_site_links(page: Page, site: LiveSite) -> list[str]:
    """The page's links to other pages of the site, with long lists of items thinned out.

    When more than LIST_LENGTH links on one page differ in one path segment only (one link per
    questionnaire, say), they are items of a list with one template: the first few stand for all.
    """
    found: list[str] = page.eval_on_selector_all("a[href]", LINKS)
    links = [
        url.split("#")[0]
        for url in found
        if url.startswith(site.base_url + "/")
        and not url.removeprefix(site.base_url).startswith(NOT_PAGES)
    ]
    families: dict[tuple[str, ...], list[str]] = {}
    for url in dict.fromkeys(links):
        segments = urlsplit(route_pattern(url)).path.split("/")
        for i in range(1, len(segments)):
            key = (*segments[:i], "*", *segments[i + 1 :])
            families.setdefault(key, []).append(url)
    dropped = {
        url
        for members in families.values()
        if len(members) > LIST_LENGTH
        for url in members[LIST_ITEMS_KEPT:]
    }
    return [url for url in links if url not in dropped]


def _wrong_code(page: Page) -> None:
    """Send a wrong one-time code once, so the second-factor form is also scanned with its error."""
    page.locator("#code").fill("12345")
    _submit(page, "/login/second-factor")
    expect(page.locator(".error-summary")).to_be_visible()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("audience", list(VISITS))
def test_no_wcag_violations(
    audience: str,
    language: str,
    new_context: ContextFactory,
    site: LiveSite,
    axe_path: Path,
    signed_in: Callable[[str], StorageState],
) -> None:
    # log in through the forms (scanning them on the way) in English, and as the two staff accounts
    # whose second-factor pages are scanned in Welsh; the others reuse a finished log-in
    through_forms = audience != "anonymous" and (
        language == "en" or audience in ("clinician", "evaluator")
    )
    reuse = audience != "anonymous" and not through_forms
    context = new_context(storage_state=signed_in(audience)) if reuse else new_context()
    # axe-core as an init script: present in every page without weakening the app's strict CSP
    # (a script tag added later would need bypass_csp, and the pages would not be scanned as served)
    context.add_init_script(path=str(axe_path))
    context.add_cookies([{"name": "wc_lang", "value": language, "url": site.base_url}])
    page = context.new_page()
    found: list[Violation] = []
    scanned: list[str] = []

    def scan(label: str) -> None:
        where = f"{audience}/{language} {label} ({page.url.removeprefix(site.base_url)})"
        assert page.locator("html").get_attribute("lang") == language, where
        found.extend(axe_scan(page, where))
        scanned.append(label)

    if through_forms:

        def second_factor() -> None:
            scan("second-factor form")
            if audience == "evaluator":
                _wrong_code(page)
                scan("second-factor form after a wrong code")

        fill_login(page, site, audience, on_second_factor=second_factor)

    seen: set[str] = set()
    queue: list[str] = [site.url("/")]
    for visit in VISITS[audience]:
        path = visit.path.format(person=site.world.person_id, other=site.world.other_person_id)
        goto(page, path, visit.status)
        if visit.then is None:
            seen.add(route_pattern(page.url))
        queue.extend(same_site_links(page, site))
        if visit.then is not None:
            visit.then(page, site, language)
        scan(visit.label)

    broken: list[str] = []
    crawled = 0
    while queue and language == "en":
        url = queue.pop(0)
        pattern = route_pattern(url)
        if pattern in seen:
            continue
        seen.add(pattern)
        crawled += 1
        assert crawled <= MAX_CRAWLED, f"more than {MAX_CRAWLED} route patterns: raise the bound"
        fetched = context.request.get(url)  # same cookies; tells pages from downloads
        if fetched.status != 200:
            broken.append(f"{url.removeprefix(site.base_url)} -> HTTP {fetched.status}")
            continue
        headers = fetched.headers
        if "text/html" not in headers.get("content-type", "") or "attachment" in headers.get(
            "content-disposition", ""
        ):
            continue
        goto(page, url)
        seen.add(route_pattern(page.url))  # after redirects
        queue.extend(same_site_links(page, site))
        scan(f"linked page {pattern}")

    assert scanned
    problems = []
    if found:
        problems.append(
            f"{len(found)} WCAG violation(s) on {len({v.where for v in found})} of "
            f"{len(scanned)} pages:\n{report(found)}"
        )
    if broken:
        problems.append(f"links shown to {audience} lead to errors:\n" + "\n".join(broken))
    assert not problems, "\n".join(problems)


def test_the_scan_finds_a_planted_violation(
    new_context: ContextFactory, site: LiveSite, axe_path: Path
) -> None:
    """The harness is not a no-op: an image without alt text and a nameless button are reported."""
    context = new_context()
    context.add_init_script(path=str(axe_path))
    page = context.new_page()
    goto(page, "/login")
    page.evaluate(
        """() => {
          const img = document.createElement('img');
          img.src = '/static/missing.png';
          document.querySelector('main').append(img, document.createElement('button'));
        }"""
    )
    rules = {v.rule for v in axe_scan(page, "planted")}
    assert {"image-alt", "button-name"} <= rules, rules
