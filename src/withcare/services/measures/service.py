"""MeasuresService: one class composed of the licence, assignment, answer, progress, FHIR parts."""

from __future__ import annotations

from withcare.services.measures.fhir_exchange import FhirExchangeMixin
from withcare.services.measures.progress import ProgressMixin
from withcare.services.measures.technology_outcomes import TechnologyOutcomesMixin


class MeasuresService(FhirExchangeMixin, ProgressMixin, TechnologyOutcomesMixin):
    """Measurement-based care for the platform: every part shares one platform and its rules."""
