"""The frozen views the registry service returns to its callers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from withcare.domain.registry.assessment import SelfAssessment
from withcare.domain.registry.classification import ClassificationOutcome
from withcare.domain.registry.model import FactValue, Provenance, Technology
from withcare.domain.registry.outcomes import OutcomeSummary
from withcare.domain.registry.privacy import PrivacySecurityProfile
from withcare.domain.registry.reviews import FeedbackResponse, UserReview
from withcare.domain.registry.search import PlainSummary, Profile


@dataclass(frozen=True)
class SearchOptions:
    """The values each filter can take, from what the registry holds."""

    conditions: tuple[str, ...]
    cost_models: tuple[str, ...]
    platforms: tuple[str, ...]
    languages: tuple[str, ...]
    accessibility_features: tuple[str, ...]


@dataclass(frozen=True)
class TechnologyPage:
    profile: Profile
    summary: PlainSummary
    privacy: PrivacySecurityProfile
    classifications: tuple[ClassificationOutcome, ...]
    reviews: tuple[UserReview, ...]
    feedback: tuple[FeedbackResponse, ...]
    outcomes: OutcomeSummary


@dataclass(frozen=True)
class Comparison:
    profiles: tuple[Profile, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class FactVersionView:
    key: str
    question: str
    value: FactValue | None
    previous: FactValue | None
    version: int
    recorded_by: str
    recorded_at: datetime
    provenance: Provenance
    note: str | None


@dataclass(frozen=True)
class FactSheet:
    technology: Technology
    current: tuple[FactVersionView, ...]
    history: Mapping[str, tuple[FactVersionView, ...]]
    classifications: tuple[ClassificationOutcome, ...]


@dataclass(frozen=True)
class ReviewView:
    review: UserReview
    technology_name: str


@dataclass(frozen=True)
class RecommendationView:
    id: str
    technology_id: str
    technology_name: str
    clinician: str
    recommended_at: datetime
    note: str | None


@dataclass(frozen=True)
class SavedAssessment:
    assessment: SelfAssessment
    answers: Mapping[str, object]
    saved_at: datetime | None
