"""Versioned consent documents, in plain language, in English and Welsh.

A document version says which items are offered, on what basis, and in which words. Versions are
stored as deltas in ``documents.toml`` (each lists only what it changes) and expanded here into full
documents. The *fingerprint* of an item is a hash of every word a person reads before answering it
(the purpose text, the stream text, in both languages): a grant given under one version still holds
under the next exactly when the fingerprint did not change. That is how a new version asks again
only for what changed.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any, Literal

from withcare.domain.consent.vocabulary import Basis, ConsentItem, DataStream, Purpose

Language = Literal["en", "cy"]
LANGUAGES: tuple[Language, ...] = ("en", "cy")


class ConsentDocumentError(ValueError):
    """The consent document data is inconsistent (a bug in the data file, caught at load time)."""


@dataclass(frozen=True)
class Wording:
    """A title and a plain-language explanation, in every supported language."""

    title: Mapping[str, str]
    text: Mapping[str, str]

    def in_language(self, language: Language) -> tuple[str, str]:
        return self.title[language], self.text[language]


@dataclass(frozen=True)
class ConsentDocument:
    """One complete version of the consent document."""

    number: int
    effective_from: datetime
    change_note: Mapping[str, str]
    purposes: Mapping[Purpose, Wording]
    streams: Mapping[DataStream, Wording]
    items: Mapping[ConsentItem, Basis]

    def offers(self, item: ConsentItem) -> bool:
        return item in self.items

    def basis(self, item: ConsentItem) -> Basis:
        return self.items[item]

    def fingerprint(self, item: ConsentItem) -> str:
        """A hash of all the words a person reads for this item (both languages) and its basis."""
        purpose, stream = self.purposes[item.purpose], self.streams[item.stream]
        parts = [str(item), self.items[item].value]
        for language in LANGUAGES:
            parts += [*purpose.in_language(language), *stream.in_language(language)]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def wording(self, item: ConsentItem, language: Language) -> str:
        """The plain-language question shown for one item."""
        p_title, p_text = self.purposes[item.purpose].in_language(language)
        s_title, s_text = self.streams[item.stream].in_language(language)
        return f"{p_title}: {s_title}. {p_text} {s_text}"


@dataclass(frozen=True)
class ConsentDocuments:
    """Every version, oldest first. Knows which one is in force at a moment."""

    versions: tuple[ConsentDocument, ...]

    def __post_init__(self) -> None:
        numbers = [v.number for v in self.versions]
        if not numbers or numbers != sorted(set(numbers)):
            raise ConsentDocumentError("versions must be present, unique and in increasing order")
        dates = [v.effective_from for v in self.versions]
        if dates != sorted(dates):
            raise ConsentDocumentError("versions must take effect in the order they are numbered")

    def version(self, number: int) -> ConsentDocument:
        for document in self.versions:
            if document.number == number:
                return document
        raise KeyError(f"no consent document version {number}")

    def in_force_at(self, at: datetime) -> ConsentDocument | None:
        """The latest version already in effect at ``at``; None before the first one."""
        current = None
        for document in self.versions:
            if document.effective_from <= at:
                current = document
        return current

    @property
    def latest(self) -> ConsentDocument:
        return self.versions[-1]


def changed_items(old: ConsentDocument, new: ConsentDocument) -> frozenset[ConsentItem]:
    """Items of ``new`` that are new or whose wording or basis differs from ``old``."""
    return frozenset(
        item
        for item in new.items
        if not old.offers(item) or old.fingerprint(item) != new.fingerprint(item)
    )


def _wording(raw: Mapping[str, Any], where: str) -> Wording:
    try:
        return Wording(
            title={lang: str(raw[f"title_{lang}"]) for lang in LANGUAGES},
            text={lang: str(raw[f"text_{lang}"]) for lang in LANGUAGES},
        )
    except KeyError as missing:
        raise ConsentDocumentError(f"{where} lacks {missing}") from None


def _merge(base: Mapping[str, Any], delta: Mapping[str, Any]) -> dict[str, Any]:
    merged = {key: dict(value) for key, value in base.items()}
    for key, value in delta.items():
        merged.setdefault(key, {}).update(value)
    return merged


def _items(raw_items: Iterable[Mapping[str, Any]]) -> dict[ConsentItem, Basis]:
    items: dict[ConsentItem, Basis] = {}
    for group in raw_items:
        for stream in group["streams"]:
            item = ConsentItem(Purpose(group["purpose"]), DataStream(stream))
            if item in items:
                raise ConsentDocumentError(f"item {item} listed twice")
            items[item] = Basis(group["basis"])
    return items


def documents_from_mapping(data: Mapping[str, Any]) -> ConsentDocuments:
    """Expand delta-encoded versions (as in ``documents.toml``) into full documents."""
    purposes: dict[str, Any] = {}
    streams: dict[str, Any] = {}
    raw_items: list[Mapping[str, Any]] = []
    versions: list[ConsentDocument] = []
    for raw in data["version"]:
        purposes = _merge(purposes, raw.get("purposes", {}))
        streams = _merge(streams, raw.get("streams", {}))
        raw_items = raw.get("items", raw_items)
        number = int(raw["number"])
        items = _items(raw_items)
        document = ConsentDocument(
            number=number,
            effective_from=raw["effective_from"],
            change_note={lang: str(raw[f"change_note_{lang}"]) for lang in LANGUAGES},
            purposes={
                Purpose(k): _wording(v, f"v{number} purpose {k}") for k, v in purposes.items()
            },
            streams={
                DataStream(k): _wording(v, f"v{number} stream {k}") for k, v in streams.items()
            },
            items=items,
        )
        for item, basis in items.items():
            if item.purpose not in document.purposes or item.stream not in document.streams:
                raise ConsentDocumentError(f"v{number} offers {item} without wording for it")
            if item.stream.is_passive_sensing and basis is not Basis.EXPLICIT:
                raise ConsentDocumentError(
                    f"v{number}: {item} is smartphone sensing, which always needs an explicit yes"
                )
        if document.effective_from.tzinfo is None:
            raise ConsentDocumentError(f"v{number} effective_from must carry a time zone")
        versions.append(document)
    return ConsentDocuments(tuple(versions))


@cache
def load_documents() -> ConsentDocuments:
    """The consent documents shipped with Withcare."""
    text = resources.files(__package__).joinpath("documents.toml").read_text(encoding="utf-8")
    return documents_from_mapping(tomllib.loads(text))
