"""Which words a person sees: the instrument's own, or a validated translation the service holds.

Translations are read once, when the platform starts, from the folder in
``Settings.instrument_translations_dir`` (one ``<anything>.toml`` file per instrument and
language). A file that fails the checks in :mod:`withcare.domain.measures.translations` is not used;
its name and the reason are kept for the admin's licence page and ``withcare instruments
translations``, and never stop the platform from starting. Without a translation the person sees
the validated English wording and a note saying why (see the questionnaire templates).
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

from withcare.domain.measures import Instrument
from withcare.domain.measures.translations import Translation, TranslationError, parse_translation

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Wording:
    """An instrument as shown in one language; ``translation`` is None for the English original."""

    instrument: Instrument
    translation: Translation | None


@dataclass(frozen=True)
class RejectedTranslation:
    file: str
    reason: str


def read_translation_file(path: Path) -> Translation:
    """Parse and check one translation file; every problem is a :class:`TranslationError`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TranslationError(f"cannot read the file: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise TranslationError("the file is not UTF-8 text") from error
    except tomllib.TOMLDecodeError as error:
        raise TranslationError(f"not valid TOML: {error}") from error
    return parse_translation(data)


class TranslationLibrary:
    """The validated translations one service holds, keyed by instrument and language."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._by_key: dict[tuple[str, str], Translation] = {}
        self.rejected: list[RejectedTranslation] = []
        if folder is None or not folder.is_dir():
            return
        for path in sorted(folder.glob("*.toml")):
            try:
                translation = read_translation_file(path)
            except TranslationError as error:
                self.rejected.append(RejectedTranslation(path.name, str(error)))
                _log.warning("instrument translation %s not used: %s", path.name, error)
                continue
            key = (translation.instrument_id, translation.language)
            if key in self._by_key:
                self.rejected.append(
                    RejectedTranslation(
                        path.name,
                        f"a second {translation.language!r} translation of "
                        f"{translation.instrument_id!r}; only the first file is used",
                    )
                )
                continue
            self._by_key[key] = translation

    @property
    def translations(self) -> tuple[Translation, ...]:
        return tuple(self._by_key[key] for key in sorted(self._by_key))

    def wording(self, instrument: Instrument, language: str) -> Wording:
        """The instrument in ``language`` if a validated translation is held, else in English."""
        if language != "en":
            for candidate in (language, language.split("-", 1)[0]):
                found = self._by_key.get((instrument.id, candidate))
                if found is not None:
                    return Wording(found.apply(instrument), found)
        return Wording(instrument, None)
