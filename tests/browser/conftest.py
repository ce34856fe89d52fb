"""Fixtures for the browser tests: one live server and one Chromium for the whole session.

Every test gets its own browser context (its own cookies), so tests never share a log-in. Chromium is
Debian's (``/usr/bin/chromium``); Playwright never downloads a browser. Without Chromium or axe-core
the tests are skipped on a developer's machine and fail under ``CI=true``.

Run them alone with ``.venv/bin/pytest tests/browser`` (or ``-m browser``). Environment:
``WITHCARE_SCREENSHOTS=DIR`` keeps the screenshots of every role's home page and the log-in page;
``WITHCARE_CHROMIUM=PATH`` uses another Chromium binary.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    StorageState,
    sync_playwright,
)
from tests.browser.support import (
    AXE,
    CHROMIUM,
    CHROMIUM_ARGS,
    ContextFactory,
    LiveSite,
    fill_login,
    live_site,
)
from tests.browser.support import under_ci as _under_ci


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything in this folder drives a real browser."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


def _missing(what: str) -> None:
    if _under_ci():
        pytest.fail(f"{what} is required under CI=true (make system-deps / npm ci)", pytrace=False)
    pytest.skip(f"{what} is not installed here (CI installs it and never skips)")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    with live_site(tmp_path_factory.mktemp("browser-site")) as running:
        yield running


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _missing(f"Chromium at {CHROMIUM}")
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def axe_path() -> Path:
    if not AXE.exists():
        _missing(f"axe-core at {AXE}")
    return AXE


@pytest.fixture
def new_context(browser: Browser, site: LiveSite) -> Iterator[ContextFactory]:
    """Make browser contexts (closed after the test); keyword arguments go to new_context."""
    made: list[BrowserContext] = []

    def make(**options: object) -> BrowserContext:
        options.setdefault("base_url", site.base_url)
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture(scope="session")
def signed_in(browser: Browser, site: LiveSite) -> Callable[[str], StorageState]:
    """Cookies of a finished log-in per account, made once through the forms and then reused.

    For tests about something other than logging in: ``new_context(storage_state=signed_in(key))``
    saves the password hashing and the second factor on every page of every test.
    """
    states: dict[str, StorageState] = {}

    def get(key: str) -> StorageState:
        if key not in states:
            context = browser.new_context(base_url=site.base_url)
            try:
                fill_login(context.new_page(), site, key)
                states[key] = context.storage_state()
            finally:
                context.close()
        return states[key]

    return get


@pytest.fixture
def page(new_context: ContextFactory) -> Page:
    return new_context().new_page()


@pytest.fixture
def log_in(site: LiveSite) -> Callable[[Page, str], Page]:
    """Log ``page`` in as the test-world account ``key`` through the real forms."""

    def do(page: Page, key: str) -> Page:
        fill_login(page, site, key)
        return page

    return do


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where home pages and the log-in page are photographed (WITHCARE_SCREENSHOTS to keep them)."""
    chosen = os.environ.get("WITHCARE_SCREENSHOTS")
    if chosen:
        Path(chosen).mkdir(parents=True, exist_ok=True)
        return Path(chosen)
    return tmp_path_factory.mktemp("screenshots")
