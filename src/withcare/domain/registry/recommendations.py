"""A clinician recommending a registry technology to a person, and the outcomes that follow.

The recommendation links the person's measures to the technology; per-technology outcome
summaries are then built only from people who were recommended it, with small numbers suppressed
(:mod:`withcare.domain.registry.outcomes`). Person references are opaque ids: this module never
sees names or scores, only the per-person outcome booleans computed by the measures capability.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from withcare.domain.registry.model import Record, RecordId, ShortText
from withcare.domain.registry.outcomes import (
    MIN_PEOPLE,
    OutcomeSummary,
    PersonOutcome,
    summarise_outcomes,
)


class TechnologyRecommendation(Record):
    id: RecordId
    technology_id: RecordId
    person_ref: ShortText
    clinician_ref: ShortText
    recommended_at: datetime
    note: ShortText | None = None


def outcome_summaries(
    recommendations: Iterable[TechnologyRecommendation],
    outcomes_by_person: Mapping[str, PersonOutcome],
    *,
    threshold: int = MIN_PEOPLE,
) -> dict[str, OutcomeSummary]:
    """One summary per recommended technology; each person counts once per technology."""
    people: dict[str, set[str]] = defaultdict(set)
    for recommendation in recommendations:
        people[recommendation.technology_id].add(recommendation.person_ref)
    return {
        technology_id: summarise_outcomes(
            [outcomes_by_person[p] for p in sorted(refs) if p in outcomes_by_person],
            threshold=threshold,
        )
        for technology_id, refs in people.items()
    }
