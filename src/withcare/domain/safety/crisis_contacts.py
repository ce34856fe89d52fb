"""Crisis contacts: what a person sees the moment a risk signal is raised (P3).

Pure data in, plain values out, so the web layer can render the page as static HTML with ``tel:``
and ``sms:`` links that work without JavaScript. The page is never empty: an unknown language falls
back to English, and the emergency number cannot be removed by a service's configuration.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from withcare.domain.safety.errors import RuleSetError

CONTACTS_FILE = "crisis_contacts.toml"
EMERGENCY_CONTACT_ID = "emergency_999"
_PAGE_FIELDS = ("title", "intro", "care_team_told", "danger_now")
_HREF_SCHEMES = {"phone": "tel:", "text": "sms:"}


class ContactKind(StrEnum):
    PHONE = "phone"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class CrisisContact:
    """One contact with its text in every language; ``order`` places it on the page."""

    id: str
    order: int
    kind: ContactKind
    number: str
    href: str
    name: Mapping[str, str]
    how: Mapping[str, str]
    when: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class LocalisedContact:
    id: str
    kind: ContactKind
    number: str
    href: str
    name: str
    how: str
    when: str


@dataclass(frozen=True, slots=True)
class CrisisPage:
    language: str
    version: str
    title: str
    intro: str
    care_team_told: str
    danger_now: str
    contacts: tuple[LocalisedContact, ...]


@dataclass(frozen=True, slots=True)
class CrisisDirectory:
    version: str
    languages: tuple[str, ...]
    fallback_language: str
    page_text: Mapping[str, Mapping[str, str]]
    contacts: tuple[CrisisContact, ...]


@cache
def default_directory() -> CrisisDirectory:
    text = resources.files("withcare.domain.safety").joinpath(CONTACTS_FILE).read_text("utf-8")
    return parse_directory(tomllib.loads(text))


def crisis_page(
    language: str = "en",
    service_contacts: Sequence[CrisisContact] = (),
    directory: CrisisDirectory | None = None,
) -> CrisisPage:
    """The crisis page in ``language`` (falling back to English), service contacts merged in.

    A service contact with a default's id replaces it, except the emergency number.
    """
    source = directory or default_directory()
    lang = _language(language, source)
    merged = {contact.id: contact for contact in source.contacts}
    for contact in service_contacts:
        _check_contact(contact, source.languages)
        if contact.id == EMERGENCY_CONTACT_ID:
            raise RuleSetError("the emergency contact cannot be replaced by configuration")
        merged[contact.id] = contact
    ordered = sorted(merged.values(), key=lambda contact: (contact.order, contact.id))
    page = source.page_text[lang]
    return CrisisPage(
        language=lang,
        version=source.version,
        title=page["title"],
        intro=page["intro"],
        care_team_told=page["care_team_told"],
        danger_now=page["danger_now"],
        contacts=tuple(_localise(contact, lang) for contact in ordered),
    )


def parse_contact(raw: Mapping[str, Any], languages: Sequence[str] = ("en", "cy")) -> CrisisContact:
    """One contact from TOML-shaped data (a service's own, or a default), checked."""
    try:
        contact = CrisisContact(
            id=str(raw["id"]),
            order=int(raw["order"]),
            kind=ContactKind(raw["kind"]),
            number=str(raw["number"]),
            href=str(raw["href"]),
            name=dict(raw["name"]),
            how=dict(raw["how"]),
            when=dict(raw["when"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise RuleSetError(f"crisis contact is malformed: {error!r}") from error
    _check_contact(contact, languages)
    return contact


def parse_directory(raw: Mapping[str, Any]) -> CrisisDirectory:
    try:
        languages = tuple(str(lang) for lang in raw["languages"])
        page_text = {
            lang: {field: str(raw["page"][lang][field]) for field in _PAGE_FIELDS}
            for lang in languages
        }
        directory = CrisisDirectory(
            version=str(raw["version"]),
            languages=languages,
            fallback_language=str(raw["fallback_language"]),
            page_text=page_text,
            contacts=tuple(parse_contact(item, languages) for item in raw["contacts"]),
        )
    except (KeyError, TypeError) as error:
        raise RuleSetError(f"crisis contacts are malformed: {error!r}") from error
    ids = [contact.id for contact in directory.contacts]
    if len(ids) != len(set(ids)):
        raise RuleSetError("crisis contact ids must be unique")
    if EMERGENCY_CONTACT_ID not in ids:
        raise RuleSetError("the crisis contacts must include the emergency number")
    if directory.fallback_language not in languages:
        raise RuleSetError("the fallback language must be one of the languages")
    return directory


def _check_contact(contact: CrisisContact, languages: Sequence[str]) -> None:
    for field_name in ("name", "how", "when"):
        texts: Mapping[str, str] = getattr(contact, field_name)
        missing = [lang for lang in languages if not texts.get(lang, "").strip()]
        if missing:
            raise RuleSetError(f"contact {contact.id}: no {field_name} in {missing}")
    if not contact.number.strip():
        raise RuleSetError(f"contact {contact.id}: no number")
    if not contact.href.startswith(_HREF_SCHEMES[contact.kind]):
        raise RuleSetError(f"contact {contact.id}: link must start {_HREF_SCHEMES[contact.kind]}")


def _language(language: str, directory: CrisisDirectory) -> str:
    primary = language.lower().replace("_", "-").split("-")[0]
    return primary if primary in directory.languages else directory.fallback_language


def _localise(contact: CrisisContact, lang: str) -> LocalisedContact:
    return LocalisedContact(
        id=contact.id,
        kind=contact.kind,
        number=contact.number,
        href=contact.href,
        name=contact.name[lang],
        how=contact.how[lang],
        when=contact.when[lang],
    )
