"""Support for the browser tests: a live server, log-in through the real forms, axe-core scans.

The server is the real application (``create_app``) served by uvicorn on loopback, over a fresh,
migrated SQLite database holding the test world. It uses the real wall clock, so the one-time codes
typed into the second-factor form are the ones an authenticator app would show (each used once).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import BrowserContext, Page, expect

from withcare.clock import SystemClock
from withcare.config import Settings
from withcare.db import migrate
from withcare.db.engine import Database
from withcare.services.platform import Platform
from withcare.web.app import create_app
from withcare_testing.world import PASSWORD, Account, World, build_world

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("WITHCARE_CHROMIUM", "/usr/bin/chromium"))
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ContextFactory = Callable[..., BrowserContext]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# The seven roles: the test-world account that holds each one, and the role it must have.
ROLES: dict[str, str] = {
    "person": "person_in_care",
    "carer": "carer",
    "clinician": "clinician",
    "manager": "service_manager",
    "researcher": "researcher",
    "evaluator": "technology_evaluator",
    "admin": "admin",
}


def under_ci() -> bool:
    return os.environ.get("CI") == "true"


@dataclass
class LiveSite:
    """The running application: where it listens and the test world inside it."""

    base_url: str
    world: World
    data_dir: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def account(self, key: str) -> Account:
        return self.world[key]

    def code_for(self, key: str) -> str:
        """A code the server accepts now that ``key`` has not used yet (codes work once): see
        ``withcare_testing.world.fresh_code``, which may wait for the next 30-second step."""
        account = self.account(key)
        assert account.totp_secret, f"{key} has no second factor"
        return account.code(self.world.platform)


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@contextmanager
def live_site(data_dir: Path) -> Iterator[LiveSite]:
    """Migrate a fresh SQLite database, build the test world in it and serve the app on loopback."""
    url = f"sqlite:///{data_dir / 'withcare.sqlite'}"
    database = Database(url)
    migrate.upgrade(database)
    database.dispose()
    settings = Settings(data_dir=data_dir, database_url=url, secret_key=b"browser-test-secret-key")
    platform = Platform(settings, SystemClock())
    world = build_world(platform)
    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(platform), log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    # Server.run installs signal handlers only in the main thread, so a thread is safe here.
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="withcare-uvicorn", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the Withcare test server did not start")
        time.sleep(0.02)
    try:
        yield LiveSite(f"http://127.0.0.1:{port}", world, data_dir)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        platform.close()


# --- pages ------------------------------------------------------------------------------------


def heading(page: Page) -> str:
    """The text of the page's single top-level heading."""
    page.wait_for_load_state()
    headings = page.locator("main h1")
    expect(headings, f"{page.url} must have one <h1> in <main>").to_have_count(1)
    return headings.inner_text().strip()


def fill_login(
    page: Page, site: LiveSite, key: str, on_second_factor: Callable[[], None] | None = None
) -> None:
    """Log in through the real forms: e-mail and password, then the one-time code for staff.

    Fields are found by their ids so this works in every language; ``on_second_factor`` runs while
    the second-factor form is shown (to scan it, say).
    """
    account = site.account(key)
    page.goto(site.url("/login"))
    page.locator("#email").fill(account.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form[action='/login'] button[type=submit]").click()
    if account.role.is_staff:
        page.wait_for_url("**/login/second-factor**")
        if on_second_factor is not None:
            on_second_factor()
        page.locator("#code").fill(site.code_for(key))
        page.locator("main form[action='/login/second-factor'] button[type=submit]").click()
    expect(page, f"log-in as {key} failed").not_to_have_url(re.compile(r"/login"))
    page.wait_for_load_state()


# --- accessibility ----------------------------------------------------------------------------


@dataclass
class Violation:
    where: str
    rule: str
    impact: str
    help: str
    targets: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        targets = ", ".join(self.targets[:6]) + (" …" if len(self.targets) > 6 else "")
        return f"{self.where}: [{self.impact}] {self.rule} – {self.help} – at {targets}"


def axe_scan(page: Page, where: str) -> list[Violation]:
    """Run axe-core's WCAG 2.x A/AA rules on the page as it is now; every violation, per node."""
    if not AXE.exists():
        raise FileNotFoundError(f"{AXE} is missing: run `npm ci` (make test does)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # needs a context with bypass_csp=True: the app's CSP blocks added script tags
        page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    found = []
    for violation in result["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        found.append(
            Violation(
                where=where,
                rule=violation["id"],
                impact=str(violation.get("impact")),
                help=violation["help"],
                targets=targets,
            )
        )
    return found


def report(violations: list[Violation]) -> str:
    return "\n".join(str(v) for v in violations) or "none"


def goto(page: Page, path: str, status: int = 200) -> None:
    """Open ``path`` and check the final response's status (after redirects)."""
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    assert response.status == status, f"{path}: HTTP {response.status}, expected {status}"


def horizontal_overflow(page: Page) -> dict[str, Any]:
    """How wide the document is against the viewport, and which elements stick out on the right.

    Elements inside a horizontally scrollable box (wide data tables) are not counted: WCAG 1.4.10
    allows two-dimensional content such as tables to scroll on their own.
    """
    result: dict[str, Any] = page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const scrolls = (el) => {
            for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
              const s = getComputedStyle(p);
              if (['auto', 'scroll'].includes(s.overflowX)) return true;
            }
            return false;
          };
          const out = [];
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) continue;
            if (r.right > width + 1 && !scrolls(el)) {
              const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + (el.className && typeof el.className === 'string'
                   ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
              out.push(name + ' right=' + Math.round(r.right));
            }
          }
          return {scrollWidth: document.documentElement.scrollWidth, width, offenders: out};
        }"""
    )
    return result
