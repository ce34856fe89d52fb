"""Reflow: at 320 CSS px (400% zoom) and 640 CSS px at 2x (200% zoom) nothing scrolls sideways.

At both sizes the main heading, the navigation, the language switch and the log-out button stay on
screen, readable and clickable, and no two controls overlap. On a phone the links and log-out fold
into a Menu (a ``details`` element, so it opens without JavaScript), checked open and folded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, StorageState
from tests.browser.support import (
    AXE,
    ContextFactory,
    LiveSite,
    axe_scan,
    goto,
    horizontal_overflow,
)

PAGES: dict[str, list[str]] = {
    "anonymous": ["/", "/login", "/talk-to-a-person", "/no-such-page"],
    "person": ["/", "/people/{person}", "/people/{person}/access-log"],
    "clinician": ["/", "/caseload", "/people/{person}", "/people/{person}/contacts/new"],
    "manager": ["/service"],
    "admin": ["/admin/users", "/admin/users/new"],
}

SIZES: dict[str, dict[str, Any]] = {
    "320px": {"viewport": {"width": 320, "height": 640}},
    "200pct": {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2},
}

CONTROLS = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {  // inside a box that scrolls on its own (a wide data table)
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
    return false;
  };
  const controls = [...document.querySelectorAll('header a, header button, main a, main button,'
    + ' main input:not([type=hidden]), main select')]
    // checkVisibility: not rendered at all, like the links inside a folded menu (details)
    .filter(el => !el.closest('.visually-hidden') && !scrolls(el) && el.checkVisibility())
    .map(el => ({el, r: el.getBoundingClientRect(), boxes: [...el.getClientRects()]}))
    .filter(({r}) => r.width > 0 && r.height > 0);
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + ':' + (el.innerText || el.value || '').trim().slice(0, 30);
  const problems = [];
  for (const {el, r} of controls) {
    if (r.left < 0 || r.right > width + 1) problems.push('off screen: ' + name(el));
    if (el.matches('a') && el.closest('p, li, dd, td')) continue;  // links in text may be small
    if (r.height < 24 || r.width < 24) problems.push('smaller than 24px: ' + name(el));
  }
  // a link that wraps onto two lines has a wide bounding box: compare the boxes of each line
  const hit = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  for (let i = 0; i < controls.length; i++) for (let j = i + 1; j < controls.length; j++) {
    const [a, b] = [controls[i], controls[j]];
    if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
    if (a.boxes.some(x => b.boxes.some(y => hit(x, y))))
      problems.push('overlap: ' + name(a.el) + ' / ' + name(b.el));
  }
  const h1 = document.querySelector('main h1');
  const hr = h1 && h1.getBoundingClientRect();
  if (!h1 || hr.right > width + 1 || hr.width === 0) problems.push('the main heading is not on screen');
  const size = parseFloat(getComputedStyle(document.querySelector('main p, main label, main td')
    || document.body).fontSize);
  if (size < 16) problems.push('body text is ' + size + 'px');
  return problems;
}"""

ACCOUNTS = {"person": "person", "clinician": "clinician", "manager": "manager", "admin": "admin"}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("audience", list(PAGES))
def test_pages_reflow(
    audience: str,
    size: str,
    new_context: ContextFactory,
    site: LiveSite,
    signed_in: Callable[[str], StorageState],
    screenshot_dir: Path,
) -> None:
    options = dict(SIZES[size])
    if audience != "anonymous":
        options["storage_state"] = signed_in(ACCOUNTS[audience])
    page: Page = new_context(**options).new_page()
    problems: list[str] = []
    for template in PAGES[audience]:
        path = template.format(person=site.world.person_id)
        goto(page, path, 404 if path == "/no-such-page" else 200)
        overflow = horizontal_overflow(page)
        width = SIZES[size]["viewport"]["width"]
        if overflow["scrollWidth"] > width or overflow["offenders"]:
            problems.append(
                f"{path}: document is {overflow['scrollWidth']}px wide in a {width}px viewport; "
                f"sticking out: {overflow['offenders'][:8]}"
            )
        problems.extend(f"{path}: {problem}" for problem in page.evaluate(CONTROLS))
        if path == "/" or template == PAGES[audience][0]:
            name = f"{size}-{audience}-{path.strip('/').replace('/', '_') or 'home'}.png"
            page.screenshot(path=str(screenshot_dir / name), full_page=True)
    assert not problems, "\n".join(problems)


def test_the_reflow_check_catches_a_wide_element(new_context: ContextFactory) -> None:
    """The harness is not a no-op: a 500px wide box at 320px is reported by name."""
    page = new_context(**SIZES["320px"]).new_page()
    goto(page, "/login")
    page.evaluate(
        "() => { const d = document.createElement('div'); d.id = 'planted';"
        " d.style.width = '500px'; d.style.height = '10px';"
        " document.querySelector('main').append(d); }"
    )
    overflow = horizontal_overflow(page)
    assert overflow["scrollWidth"] > 320
    assert any(o.startswith("div#planted") for o in overflow["offenders"]), overflow


def test_on_a_phone_the_links_fold_into_a_menu_that_opens_without_javascript(
    new_context: ContextFactory, signed_in: Callable[[str], StorageState]
) -> None:
    """A person on a small phone sees "I need help now" and the start of the page on the first
    screen; the links and log-out are one tap away, in a menu that needs no JavaScript."""
    phone = new_context(
        **SIZES["320px"], storage_state=signed_in("person"), java_script_enabled=False
    ).new_page()
    goto(phone, "/")
    links = phone.get_by_role("navigation", name="Main")
    menu = phone.locator("summary", has_text="Menu")
    assert phone.get_by_role("button", name="I need help now").is_visible()
    assert menu.is_visible() and not links.is_visible()
    heading = phone.get_by_role("heading", level=1).bounding_box()
    assert heading is not None and heading["y"] < 280, heading  # was below 400 px before
    menu.click()
    assert links.is_visible() and phone.get_by_role("button", name="Log out").is_visible()
    assert links.get_by_role("link", name="My safety plan").is_visible()

    desk = new_context(storage_state=signed_in("person")).new_page()
    goto(desk, "/")
    assert desk.get_by_role("navigation", name="Main").is_visible()
    assert not desk.locator("summary", has_text="Menu").is_visible()
    assert desk.get_by_role("navigation", name="Main").count() == 1  # the folded copy is not shown


def test_the_open_menu_passes_the_layout_checks_and_axe(
    new_context: ContextFactory, signed_in: Callable[[str], StorageState]
) -> None:
    context = new_context(**SIZES["320px"], storage_state=signed_in("clinician"))
    context.add_init_script(path=str(AXE))  # keeps the app's strict CSP, as the axe tests do
    page = context.new_page()
    goto(page, "/caseload")
    assert axe_scan(page, "caseload on a phone, menu folded") == []
    page.locator("summary", has_text="Menu").click()
    assert page.get_by_role("navigation", name="Main").is_visible()
    assert page.evaluate(CONTROLS) == []
    assert axe_scan(page, "caseload on a phone, menu open") == []
