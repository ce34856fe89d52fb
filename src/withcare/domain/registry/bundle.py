"""A registry bundle: every kind of record in one validated batch.

Imports, exports and the seed file all travel as a bundle. Besides each record's own validation
the bundle checks what a database's foreign keys would: ids are unique per kind and every
reference points at a record in the bundle (or in ``known_ids``, for imports into an existing
registry). Checking here means an import either fits completely or is refused completely.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from withcare.domain.registry.facts import check_fact
from withcare.domain.registry.model import (
    Designation,
    Fact,
    FactValue,
    GuidanceRecord,
    IntendedUse,
    Organisation,
    ProfessionalAssessment,
    RegulatoryRecord,
    Study,
    Technology,
    TechnologyVersion,
)
from withcare.domain.registry.reviews import FeedbackResponse, UserReview

#: Record kinds in dependency order (a kind only refers to kinds before it).
RECORD_KINDS: Mapping[str, type[BaseModel]] = {
    "organisations": Organisation,
    "technologies": Technology,
    "versions": TechnologyVersion,
    "intended_uses": IntendedUse,
    "facts": Fact,
    "regulatory_records": RegulatoryRecord,
    "designations": Designation,
    "guidance_records": GuidanceRecord,
    "studies": Study,
    "professional_assessments": ProfessionalAssessment,
    "reviews": UserReview,
    "feedback_responses": FeedbackResponse,
}


class RegistryBundle(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    organisations: tuple[Organisation, ...] = Field(default=())
    technologies: tuple[Technology, ...] = Field(default=())
    versions: tuple[TechnologyVersion, ...] = Field(default=())
    intended_uses: tuple[IntendedUse, ...] = Field(default=())
    facts: tuple[Fact, ...] = Field(default=())
    regulatory_records: tuple[RegulatoryRecord, ...] = Field(default=())
    designations: tuple[Designation, ...] = Field(default=())
    guidance_records: tuple[GuidanceRecord, ...] = Field(default=())
    studies: tuple[Study, ...] = Field(default=())
    professional_assessments: tuple[ProfessionalAssessment, ...] = Field(default=())
    reviews: tuple[UserReview, ...] = Field(default=())
    feedback_responses: tuple[FeedbackResponse, ...] = Field(default=())

    def records(self, kind: str) -> tuple[Any, ...]:
        value: tuple[Any, ...] = getattr(self, kind)
        return value

    def technology(self, technology_id: str) -> Technology:
        for technology in self.technologies:
            if technology.id == technology_id:
                return technology
        raise KeyError(technology_id)

    def organisation(self, organisation_id: str) -> Organisation | None:
        return next((o for o in self.organisations if o.id == organisation_id), None)

    def for_technology(self, kind: str, technology_id: str) -> tuple[Any, ...]:
        return tuple(r for r in self.records(kind) if r.technology_id == technology_id)

    def fact_values(self, technology_id: str) -> dict[str, FactValue]:
        """Facts about one technology; later records of the same key win (file order)."""
        return {f.key: f.value for f in self.facts if f.technology_id == technology_id}

    def fact_records(self, technology_id: str) -> dict[str, Fact]:
        return {f.key: f for f in self.facts if f.technology_id == technology_id}


@dataclass(frozen=True)
class IntegrityProblem:
    kind: str
    index: int
    record_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind} #{self.index + 1} ({self.record_id}): {self.message}"


#: Which attribute of each kind points at which other kind (what the foreign keys will be).
_REFERENCES: Mapping[str, tuple[tuple[str, str], ...]] = {
    kind: (("organisation_id", "organisations"),)
    if kind == "technologies"
    else ()
    if kind == "organisations"
    else (("technology_id", "technologies"),)
    for kind in RECORD_KINDS
}


def integrity_problems(
    bundle: RegistryBundle, known_ids: Mapping[str, Iterable[str]] | None = None
) -> list[IntegrityProblem]:
    """Duplicate ids and dangling references, one problem per offending record."""
    known = {kind: set(ids) for kind, ids in (known_ids or {}).items()}
    problems: list[IntegrityProblem] = []
    ids: dict[str, set[str]] = {}
    for kind in RECORD_KINDS:
        seen = set(known.get(kind, set()))
        for index, record in enumerate(bundle.records(kind)):
            if record.id in seen:
                problems.append(IntegrityProblem(kind, index, record.id, "duplicate id"))
            seen.add(record.id)
        ids[kind] = seen
    for kind in RECORD_KINDS:
        references = _REFERENCES[kind]
        for index, record in enumerate(bundle.records(kind)):
            for attribute, target in references:
                if getattr(record, attribute) not in ids[target]:
                    problems.append(
                        IntegrityProblem(
                            kind,
                            index,
                            record.id,
                            f"{attribute} {getattr(record, attribute)!r} is not in {target}",
                        )
                    )
    review_ids = ids["reviews"]
    for index, response in enumerate(bundle.feedback_responses):
        for review_id in response.review_ids:
            if review_id not in review_ids:
                problems.append(
                    IntegrityProblem(
                        "feedback_responses", index, response.id, f"review {review_id!r} unknown"
                    )
                )
    for index, fact in enumerate(bundle.facts):
        problem = _fact_problem(fact)
        if problem:
            problems.append(IntegrityProblem("facts", index, fact.id, problem))
    return problems


def _fact_problem(fact: Fact) -> str | None:
    try:
        check_fact(fact.key, list(fact.value) if isinstance(fact.value, tuple) else fact.value)
    except ValueError as error:
        return str(error)
    return None
