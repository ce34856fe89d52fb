"""The technology evidence and regulation registry in the platform (issue 6, P7, P4, P8).

The pure core (:mod:`withcare.domain.registry`) decides what a valid record is, derives every
classification and framework result, and words the plain summaries. This service stores the
records (``withcare.db.models.registry``), authorises each use case, and audits every read and
write of personal data: recommendations (always about a person) and reviews written by a person.

Public browsing needs no account (people seeking help). Evaluator actions (verify a fact,
override a class, moderate reviews, import, export, self-assessment) need ``REGISTRY_EVALUATE``.

Seam for measures: real-world outcomes come from :attr:`RegistryService.outcome_source`, a
function from the ids of people recommended a technology to their per-person
:class:`~withcare.domain.registry.outcomes.PersonOutcome` (reliable improvement, recovery).
Until the measures capability sets it, it returns nothing and every summary says "fewer than
10 people". Suppression is the core's (:func:`summarise_outcomes`), never re-implemented here.
"""

from __future__ import annotations

from withcare.services.registry.interchange import ImportRefused
from withcare.services.registry.limits import (
    MAX_IMPORT_BYTES,
    MAX_NOTE_CHARS,
    MAX_REVIEW_CHARS,
    MIN_REASON_CHARS,
)
from withcare.services.registry.outcomes import OutcomeSource, no_outcomes
from withcare.services.registry.seed import SEED_AUTHOR, seed_registry
from withcare.services.registry.service import RegistryService
from withcare.services.registry.views import (
    Comparison,
    FactSheet,
    FactVersionView,
    RecommendationView,
    ReviewView,
    SavedAssessment,
    SearchOptions,
    TechnologyPage,
)

__all__ = [
    "MAX_IMPORT_BYTES",
    "MAX_NOTE_CHARS",
    "MAX_REVIEW_CHARS",
    "MIN_REASON_CHARS",
    "SEED_AUTHOR",
    "Comparison",
    "FactSheet",
    "FactVersionView",
    "ImportRefused",
    "OutcomeSource",
    "RecommendationView",
    "RegistryService",
    "ReviewView",
    "SavedAssessment",
    "SearchOptions",
    "TechnologyPage",
    "no_outcomes",
    "seed_registry",
]
