"""MeasuresService: one class composed of the licence, assignment, answer, progress, FHIR parts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from withcare.domain.measures import Instrument
from withcare.services.measures.fhir_exchange import FhirExchangeMixin
from withcare.services.measures.progress import ProgressMixin
from withcare.services.measures.technology_outcomes import TechnologyOutcomesMixin
from withcare.services.measures.wording import TranslationLibrary, Wording

if TYPE_CHECKING:
    from withcare.services.platform import Platform


class MeasuresService(FhirExchangeMixin, ProgressMixin, TechnologyOutcomesMixin):
    """Measurement-based care for the platform: every part shares one platform and its rules."""

    def __init__(self, platform: Platform) -> None:
        super().__init__(platform)
        self.translations = TranslationLibrary(platform.settings.instrument_translations_dir)

    def wording(self, instrument: Instrument, language: str) -> Wording:
        """What a person reading ``language`` sees: a validated translation, or the original."""
        return self.translations.wording(instrument, language)
