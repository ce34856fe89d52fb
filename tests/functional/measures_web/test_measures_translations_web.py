"""Questionnaire wording in Welsh: a validated translation the service holds, or English and why.

The translation here is the test fixture ``tests/data/translations/gad2.cy.toml`` (placeholder
words, not Welsh), installed the way a service installs one: a folder named in the settings.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from withcare.clock import ControllableClock
from withcare.config import Settings
from withcare.services.platform import Platform
from withcare.web.app import create_app
from withcare_testing.web import csrf_from, log_in
from withcare_testing.world import World

FIXTURE = Path(__file__).parents[2] / "data" / "translations" / "gad2.cy.toml"
NOT_HELD = "does not hold a validated translation"  # English text of the note
NOT_HELD_CY = "nid oes gan y gwasanaeth hwn gyfieithiad dilys"  # its Welsh catalogue text


@pytest.fixture
def translated(
    sqlite_url: str,
    tmp_path: Path,
    clock: ControllableClock,
    sqlite_template: tuple[Path, Any],
) -> Iterator[tuple[World, TestClient, TestClient]]:
    folder = tmp_path / "instrument-translations"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "gad2.cy.toml")
    (folder / "phq9.cy.toml").write_text("language = 'cy'", encoding="utf-8")  # not usable
    settings = Settings(
        data_dir=tmp_path,
        database_url=sqlite_url,
        secret_key=b"test-secret-key-not-for-prod",
        instrument_translations_dir=folder,
    )
    platform = Platform(settings, clock)
    world = sqlite_template[1].bind(platform)
    app = create_app(platform)
    person = TestClient(app, raise_server_exceptions=False)
    clinician = TestClient(app, raise_server_exceptions=False)
    for client in (person, clinician):
        client.cookies.set("wc_lang", "cy")
    try:
        yield (
            world,
            log_in(person, world, world["person"]),
            log_in(clinician, world, world["clinician"]),
        )
    finally:
        person.close()
        clinician.close()
        platform.close()


def test_a_welsh_reader_sees_the_held_translation_and_scores_are_unchanged(
    translated: tuple[World, TestClient, TestClient],
) -> None:
    world, person, _clinician = translated
    url = f"/people/{world.person_id}/questionnaires/gad2"
    form = person.get(url)
    assert form.status_code == 200 and '<html lang="cy">' in form.text
    assert "PRAWF test item one" in form.text and "PRAWF answer 3" in form.text
    assert "Feeling nervous" not in form.text and "Nearly every day" not in form.text
    assert "Test fixture for Withcare" in form.text  # the translation's source is shown
    done = person.post(
        url,
        data={"csrf_token": csrf_from(form.text), "action": "submit", "item_1": "3", "item_2": "1"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text[:1000]
    person.cookies.set("wc_lang", "en")
    english = person.get(done.headers["location"])
    assert "Score: 4 out of 6" in english.text  # the same score whichever words were read


def test_without_a_held_translation_a_welsh_reader_is_told_why_the_questions_are_english(
    translated: tuple[World, TestClient, TestClient],
) -> None:
    world, person, clinician = translated
    form = person.get(f"/people/{world.person_id}/questionnaires/gad7")
    assert form.status_code == 200
    assert "Feeling nervous, anxious or on edge" in form.text
    assert NOT_HELD_CY in form.text.lower()
    printable = clinician.get("/instruments/phq9/print")
    assert NOT_HELD_CY in printable.text.lower() and "Little interest" in printable.text
    entry = clinician.get(f"/people/{world.person_id}/measures/enter/gad2")
    assert entry.status_code == 200 and "PRAWF test item two" in entry.text


def test_an_english_reader_sees_the_original_without_a_note(
    translated: tuple[World, TestClient, TestClient],
) -> None:
    world, person, _clinician = translated
    person.cookies.set("wc_lang", "en")
    form = person.get(f"/people/{world.person_id}/questionnaires/gad2")
    assert "Feeling nervous, anxious or on edge" in form.text
    assert "PRAWF" not in form.text and NOT_HELD not in form.text
    assert "wording-note" not in form.text


def test_the_admin_sees_which_translations_are_used_and_which_files_are_not(
    translated: tuple[World, TestClient, TestClient],
) -> None:
    world, person, _clinician = translated
    admin = log_in(TestClient(person.app, raise_server_exceptions=False), world, world["admin"])
    admin.cookies.set("wc_lang", "en")
    page = admin.get("/admin/instrument-licences")
    assert page.status_code == 200
    assert "Test fixture for Withcare" in page.text  # gad2 (cy) is used, with its source
    assert (
        "phq9.cy.toml" in page.text and "&#39;instrument&#39; must be non-empty text" in page.text
    )
    assert person.get("/admin/instrument-licences").status_code == 403
    admin.close()
