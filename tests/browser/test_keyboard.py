"""Keyboard only: the skip link comes first, the log-in form is reachable and usable, focus is visible."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page
from tests.browser.support import LiveSite, goto, heading

from withcare_testing.world import PASSWORD

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
    text: (el.innerText || el.value || '').trim().slice(0, 60),
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
    inViewport: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
      && r.right <= innerWidth && r.bottom <= innerHeight,
  };
}"""


def focused(page: Page) -> dict[str, Any]:
    info: dict[str, Any] | None = page.evaluate(FOCUSED)
    assert info is not None, "nothing has keyboard focus"
    return info


def assert_focus_visible(info: dict[str, Any]) -> None:
    """A focus indicator at least 2 px thick (outline or box shadow), on screen."""
    outline = info["outlineStyle"] not in ("none", "hidden") and info["outlineWidth"] >= 2
    shadow = info["boxShadow"] not in ("none", "")
    assert outline or shadow, f"no visible focus indicator on {info}"
    assert info["inViewport"], f"the focused element is off screen: {info}"


def tab(page: Page) -> dict[str, Any]:
    page.keyboard.press("Tab")
    info = focused(page)
    assert_focus_visible(info)
    return info


def skip_to_main(page: Page) -> None:
    """From a freshly loaded page: the first Tab reaches the skip link, Enter moves to <main>."""
    first = tab(page)
    assert first["tag"] == "a" and first["text"] == "Skip to main content", first
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


@pytest.mark.parametrize("key", ["person", "clinician"])
def test_log_in_with_the_keyboard_only(key: str, page: Page, site: LiveSite) -> None:
    account = site.account(key)
    goto(page, "/login")
    skip_to_main(page)

    assert tab(page)["id"] == "email"
    page.keyboard.type(account.email)
    assert tab(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    button = tab(page)
    assert button["tag"] == "button" and button["text"] == "Log in", button
    with page.expect_navigation():
        page.keyboard.press("Enter")

    if account.role.is_staff:
        assert page.url.startswith(site.url("/login/second-factor")), page.url
        skip_to_main(page)
        assert tab(page)["id"] == "code"
        page.keyboard.type(site.code_for(key))
        with page.expect_navigation():
            page.keyboard.press("Enter")  # Enter in the field submits the form

    assert heading(page).startswith("Hello, "), page.url
    expected = "Hello, Testy" if key == "person" else "Hello, Clinician"
    assert heading(page) == expected


@pytest.mark.parametrize("path", ["/login", "/", "/talk-to-a-person"])
def test_every_focusable_element_shows_focus(path: str, page: Page) -> None:
    """Tab through the whole page: every stop shows a focus indicator and the order is sensible."""
    goto(page, path)
    stops: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUSED)
        if info is None:  # focus left the document: every stop has been visited
            break
        label = f"{info['tag']}#{info['id']}:{info['text']}"
        if stops and label == stops[0]:
            break
        assert_focus_visible(info)
        stops.append(label)
    assert stops, "nothing on the page takes keyboard focus"
    assert stops[0].endswith(":Skip to main content"), stops
    assert any(s.startswith("button") for s in stops), stops  # the language switch at least


def test_the_focus_check_catches_a_hidden_indicator(page: Page) -> None:
    """The harness is not a no-op: removing the focus indicator is reported."""
    goto(page, "/login")
    page.evaluate(
        "() => { const f = document.querySelector('#email');"
        " f.style.outline = 'none'; f.style.boxShadow = 'none'; }"
    )
    page.locator("#email").focus()
    with pytest.raises(AssertionError, match="no visible focus indicator"):
        assert_focus_visible(focused(page))
