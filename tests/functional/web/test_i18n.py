"""English and Welsh from the start: the catalogue is complete and the switch works."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from withcare.web.i18n import LOCALE_DIR
from withcare_testing.web import csrf_from, log_in
from withcare_testing.world import World

SRC = Path(__file__).resolve().parents[3] / "src" / "withcare"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def extracted_ids() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(SRC),
        METHODS,
        keywords=KEYWORDS,
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_a_welsh_translation() -> None:
    with (LOCALE_DIR / "cy" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and m.string and (isinstance(m.string, str) or all(m.string)) and not m.fuzzy
    }
    ids = extracted_ids()
    assert len(ids) > 100
    missing = sorted(ids - translated)
    assert missing == [], f"run `make messages` and translate: {missing[:10]}"
    assert [(m.id, errors) for m, errors in catalog.check()] == []


def test_language_switch_changes_the_page(client_factory: Callable[[], TestClient]) -> None:
    client = client_factory()
    page = client.get("/login")
    assert '<html lang="en">' in page.text
    client.post(
        "/language", data={"language": "cy", "next": "/login", "csrf_token": csrf_from(page.text)}
    )
    welsh = client.get("/login").text
    assert '<html lang="cy">' in welsh
    assert "Log in</h1>" not in welsh


def test_browser_preference_is_used_until_a_choice_is_made(
    client_factory: Callable[[], TestClient],
) -> None:
    client = client_factory()
    assert '<html lang="cy">' in client.get("/", headers={"Accept-Language": "cy-GB,en;q=0.5"}).text
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "fr"}).text


def test_a_person_s_saved_language_follows_them(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    client = log_in(client_factory(), web_world, web_world["person"])
    client.post(
        "/language",
        data={"language": "cy", "next": "/", "csrf_token": csrf_from(client.get("/").text)},
    )
    fresh = log_in(client_factory(), web_world, web_world["person"])
    assert '<html lang="cy">' in fresh.get("/").text
