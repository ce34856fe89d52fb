"""Questionnaire wording in another language, accepted only from a validated translation.

A questionnaire's validity rests on its exact wording: an unchecked translation can change what an
answer means, so the scores stop being comparable with the published bands (P4). The platform
therefore never translates items itself. A service that holds a validated translation (forward and
back translation and cognitive testing, for example to the ISPOR principles that NHS Wales' CEDAR
and Bangor University's LLAIS follow for Welsh) and the right to use it, supplies it as a data file.
Most translations are licensed to the service, not to the public, so they are not shipped with the
platform: see ``docs/measures/translations.md``.

A translation replaces words only. Item order, scores, reverse keying, risk items and bands all come
from the instrument's own file, so scoring is identical whichever language a person answered in.
Everything here is pure: the caller reads the file and passes the parsed TOML.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from withcare.domain.measures.loader import INSTRUMENT_IDS, load_instrument
from withcare.domain.measures.model import Instrument

#: A BCP 47 primary language subtag, optionally with a region ("cy", "pl", "pt-BR").
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")


class TranslationError(ValueError):
    """A translation file that cannot be used; the message says what to change."""


@dataclass(frozen=True)
class Translation:
    """The words of one instrument in one language, with where the validated version comes from."""

    instrument_id: str
    language: str
    name: str
    stem: str
    items: tuple[str, ...]
    options: dict[str, str]  # published English answer label -> translated label
    not_applicable: str | None
    source: str  # who translated and validated it, how, and where it is published
    licence: str  # the terms under which the service holds it

    def apply(self, instrument: Instrument) -> Instrument:
        """The instrument with this translation's words; every scoring rule is unchanged."""
        if instrument.id != self.instrument_id:
            raise TranslationError(
                f"this translation is for {self.instrument_id!r}, not {instrument.id!r}"
            )
        items = tuple(
            dataclasses.replace(
                item,
                text=text,
                options=tuple(
                    dataclasses.replace(option, label=self.options[option.label])
                    for option in item.options
                ),
            )
            for item, text in zip(instrument.items, self.items, strict=True)
        )
        return dataclasses.replace(instrument, name=self.name, stem=self.stem, items=items)


def _text(data: dict[str, Any], key: str, where: str = "") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise TranslationError(f"{where}{key!r} must be non-empty text")
    return value.strip()


def parse_translation(data: dict[str, Any]) -> Translation:
    """Check one translation file (parsed TOML) against its instrument and return it.

    Refuses, with a message naming the field: an unknown instrument, a language tag that is not BCP
    47, a file not marked as validated or without its source and licence, a different number of
    items, and any published answer label left without a translation.
    """
    instrument_id = _text(data, "instrument")
    if instrument_id not in INSTRUMENT_IDS:
        raise TranslationError(
            f"unknown instrument {instrument_id!r}; valid ids are: {', '.join(INSTRUMENT_IDS)}"
        )
    instrument = load_instrument(instrument_id)
    language = _text(data, "language")
    if not _LANGUAGE.match(language):
        raise TranslationError(
            f"'language' must be a language tag such as 'cy' or 'pt-BR', not {language!r}"
        )
    if language == "en":
        raise TranslationError("'language' is 'en': the English wording is the instrument's own")
    validation = data.get("validation")
    if not isinstance(validation, dict):
        raise TranslationError(
            "a [validation] table is required, with validated = true, source and licence"
        )
    if validation.get("validated") is not True:
        raise TranslationError(
            "[validation] validated must be true: only translations that were validated "
            "(forward and back translation and testing with speakers) can be used"
        )
    source = _text(validation, "source", "[validation] ")
    licence = _text(validation, "licence", "[validation] ")
    items = data.get("items")
    if not isinstance(items, list) or not all(isinstance(t, str) and t.strip() for t in items):
        raise TranslationError("'items' must be a list of the item wordings, in order")
    if len(items) != instrument.item_count:
        raise TranslationError(
            f"{instrument.short_name} has {instrument.item_count} items; "
            f"this translation has {len(items)}"
        )
    options = data.get("options")
    if not isinstance(options, dict):
        raise TranslationError(
            "an [options] table is required, mapping each English answer label to its translation"
        )
    labels = {option.label for item in instrument.items for option in item.options}
    untranslated = sorted(labels - set(options))
    if untranslated:
        raise TranslationError(f"[options] has no translation for {untranslated[0]!r}")
    unknown = sorted(set(options) - labels)
    if unknown:
        raise TranslationError(
            f"[options] has {unknown[0]!r}, which is not an answer of {instrument.short_name}"
        )
    if not all(isinstance(options[label], str) and options[label].strip() for label in labels):
        raise TranslationError("every [options] value must be non-empty text")
    needs_na = any(item.allow_not_applicable for item in instrument.items)
    return Translation(
        instrument_id=instrument_id,
        language=language,
        name=_text(data, "name"),
        stem=_text(data, "stem"),
        items=tuple(text.strip() for text in items),
        options={label: str(options[label]).strip() for label in labels},
        not_applicable=_text(data, "not_applicable") if needs_na else None,
        source=source,
        licence=licence,
    )
