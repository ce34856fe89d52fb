"""The crisis page: UK defaults, English and Welsh, never empty, emergency number always first."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from withcare.domain.safety.crisis_contacts import (
    CONTACTS_FILE,
    ContactKind,
    crisis_page,
    parse_contact,
    parse_directory,
)
from withcare.domain.safety.errors import RuleSetError


def raw_directory() -> dict[str, Any]:
    text = resources.files("withcare.domain.safety").joinpath(CONTACTS_FILE).read_text("utf-8")
    return tomllib.loads(text)


def test_uk_defaults_in_order_with_working_links() -> None:
    page = crisis_page("en")
    assert [(c.number, c.href) for c in page.contacts] == [
        ("999", "tel:999"),
        ("111", "tel:111"),
        ("116 123", "tel:116123"),
        ("85258", "sms:85258"),
    ]
    nhs111 = page.contacts[1]
    assert "option 2" in nhs111.how
    shout = page.contacts[3]
    assert shout.kind is ContactKind.TEXT
    assert "SHOUT" in shout.how


def test_welsh_page_is_in_welsh() -> None:
    english, welsh = crisis_page("en"), crisis_page("cy")
    assert welsh.language == "cy"
    assert welsh.title != english.title
    assert welsh.contacts[0].how == "Ffoniwch 999"
    assert welsh.contacts[2].name == "Y Samariaid"
    assert [c.number for c in welsh.contacts] == [c.number for c in english.contacts]
    for en, cy in zip(english.contacts, welsh.contacts, strict=True):
        assert (en.how, en.when) != (cy.how, cy.when)


@pytest.mark.parametrize(
    ("asked", "served"), [("cy-GB", "cy"), ("EN_gb", "en"), ("fr", "en"), ("", "en")]
)
def test_language_is_matched_and_falls_back_to_english(asked: str, served: str) -> None:
    page = crisis_page(asked)
    assert page.language == served
    assert page.contacts


def test_plain_language_short_sentences() -> None:
    for language in ("en", "cy"):
        page = crisis_page(language)
        texts = [page.title, page.intro, page.care_team_told, page.danger_now]
        texts += [text for c in page.contacts for text in (c.name, c.how, c.when)]
        for text in texts:
            for sentence in text.split(". "):
                assert len(sentence.split()) <= 30, sentence


LOCAL_LINE = {
    "id": "local_crisis_line",
    "order": 20,
    "kind": "phone",
    "number": "0800 000 0000",
    "href": "tel:08000000000",
    "name": {"en": "Our crisis line", "cy": "Ein llinell argyfwng"},
    "how": {"en": "Call 0800 000 0000", "cy": "Ffoniwch 0800 000 0000"},
    "when": {"en": "Any time.", "cy": "Unrhyw bryd."},
}


def test_a_service_adds_its_own_contact_in_its_place() -> None:
    page = crisis_page("en", [parse_contact(LOCAL_LINE)])
    assert [c.id for c in page.contacts][:2] == ["emergency_999", "local_crisis_line"]


def test_a_service_cannot_remove_the_emergency_number() -> None:
    replacement = dict(LOCAL_LINE, id="emergency_999", order=99)
    with pytest.raises(RuleSetError):
        crisis_page("en", [parse_contact(replacement)])


@pytest.mark.parametrize(
    "change",
    [
        {"when": {"en": "Any time."}},  # no Welsh
        {"href": "https://example.org"},  # not a phone link
        {"number": " "},
        {"kind": "pager"},
    ],
)
def test_incomplete_service_contacts_are_refused(change: dict[str, Any]) -> None:
    with pytest.raises(RuleSetError):
        parse_contact({**LOCAL_LINE, **change})


def test_the_defaults_cannot_lose_the_emergency_number_or_a_translation() -> None:
    raw = copy.deepcopy(raw_directory())
    raw["contacts"] = [c for c in raw["contacts"] if c["id"] != "emergency_999"]
    with pytest.raises(RuleSetError):
        parse_directory(raw)
    raw = copy.deepcopy(raw_directory())
    del raw["page"]["cy"]["intro"]
    with pytest.raises(RuleSetError):
        parse_directory(raw)
