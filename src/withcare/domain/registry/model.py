"""Registry records: one frozen Pydantic model per future table.

Each record carries its own ``id`` (a short stable slug or UUID chosen by whoever creates it) and
the ids of the records it belongs to, so the lead can map every class one-to-one onto a table.
Pydantic is used, rather than plain dataclasses, because the same models validate every line of
a CSV/JSON import and every API body, and give readable reasons when they refuse one.

Regulatory records and designations are separate types on purpose: a designation such as FDA
Breakthrough is an invitation to talk to the regulator, not permission to sell, and the registry
must never let one be read as the other.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from withcare.domain.registry.vocabulary import (
    DesignationKind,
    GuidanceRecommendation,
    Jurisdiction,
    RegulatoryPathway,
    RegulatoryStatus,
    Seriousness,
    Significance,
    StudyDesign,
    SuppliedBy,
    TechnologyKind,
)

RecordId = Annotated[
    str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
]
Url = Annotated[str, Field(pattern=r"^https?://\S+$", max_length=500)]
ShortText = Annotated[str, Field(min_length=1, max_length=300)]
LongText = Annotated[str, Field(min_length=1, max_length=4000)]

#: A fact's value: a yes/no, a number, a word or sentence, or a list of words.
FactValue = bool | int | float | str | tuple[str, ...]


class Record(BaseModel):
    """Shared configuration: immutable, no unknown fields, surrounding spaces trimmed."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class SourceGrade(StrEnum):
    """How directly a fact was read: matches the [seen]/[2nd]/[unverified] labels in our notes."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    UNVERIFIED = "unverified"


class Provenance(Record):
    """Where a fact came from and who stands behind it."""

    source_url: Url | None = None
    read_on: date | None = None
    supplied_by: SuppliedBy
    grade: SourceGrade = SourceGrade.UNVERIFIED
    verified_by: ShortText | None = None
    verified_on: date | None = None
    note: LongText | None = None

    @model_validator(mode="after")
    def _sourced_when_claimed(self) -> Provenance:
        if self.supplied_by is SuppliedBy.PUBLIC_RECORD and (
            self.source_url is None or self.read_on is None
        ):
            raise ValueError("a fact from a public record needs its source_url and read_on date")
        if self.grade is not SourceGrade.UNVERIFIED and self.source_url is None:
            raise ValueError("a fact graded primary or secondary needs a source_url")
        if (self.verified_by is None) != (self.verified_on is None):
            raise ValueError("verified_by and verified_on go together")
        return self

    @property
    def is_verified(self) -> bool:
        """True once an evaluator has checked the fact (not merely read it somewhere)."""
        return self.verified_by is not None


class Organisation(Record):
    id: RecordId
    name: ShortText
    country: ShortText | None = None
    website: Url | None = None


class Technology(Record):
    id: RecordId
    name: ShortText
    organisation_id: RecordId
    kind: TechnologyKind
    description: LongText | None = None
    website: Url | None = None


class TechnologyVersion(Record):
    id: RecordId
    technology_id: RecordId
    version: ShortText
    released_on: date | None = None


class IntendedUse(Record):
    """What the manufacturer says the technology is for: the root of every classification."""

    id: RecordId
    technology_id: RecordId
    condition: ShortText
    population: ShortText
    setting: ShortText
    significance: Significance
    seriousness: Seriousness
    #: True when the product only saves staff time or money and has no health purpose (NICE tier A).
    system_efficiency_only: bool = False
    provenance: Provenance


class Fact(Record):
    """One answer about one technology, with its source. Frameworks read facts by ``key``."""

    id: RecordId
    technology_id: RecordId
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")]
    value: FactValue
    provenance: Provenance


class RegulatoryRecord(Record):
    """A regulator's decision that lets a product onto a market (or took it off)."""

    id: RecordId
    technology_id: RecordId
    jurisdiction: Jurisdiction
    regulator: ShortText
    pathway: RegulatoryPathway
    identifier: ShortText | None = None
    device_class: ShortText | None = None
    decision_date: date | None = None
    status: RegulatoryStatus
    indication: LongText | None = None
    provenance: Provenance


class Designation(Record):
    """A programme designation such as FDA Breakthrough: never an authorisation."""

    id: RecordId
    technology_id: RecordId
    jurisdiction: Jurisdiction
    regulator: ShortText
    kind: DesignationKind
    granted_on: date | None = None
    scope: LongText | None = None
    provenance: Provenance

    @property
    def authorises_marketing(self) -> bool:
        return False


class GuidanceRecord(Record):
    """A health technology assessment body's recommendation, e.g. a NICE early value assessment."""

    id: RecordId
    technology_id: RecordId
    body: ShortText
    reference: ShortText
    title: ShortText
    recommendation: GuidanceRecommendation
    published_on: date | None = None
    condition: ShortText | None = None
    provenance: Provenance


class Study(Record):
    id: RecordId
    technology_id: RecordId
    design: StudyDesign
    n: Annotated[int, Field(ge=1)] | None = None
    comparator: ShortText | None = None
    population: ShortText | None = None
    outcome: ShortText | None = None
    effect_size: ShortText | None = None
    follow_up_weeks: Annotated[float, Field(gt=0)] | None = None
    funding: ShortText | None = None
    doi: Annotated[str, Field(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    registry_id: ShortText | None = None
    provenance: Provenance

    @model_validator(mode="after")
    def _traceable(self) -> Study:
        if self.doi is None and self.registry_id is None and self.provenance.source_url is None:
            raise ValueError(
                "a study needs a DOI, a trial registry id or a source_url to be traced"
            )
        return self


class ProfessionalAssessment(Record):
    """An evaluator's or clinician's structured judgement: kept apart from user reviews."""

    id: RecordId
    technology_id: RecordId
    assessor: ShortText
    framework_id: ShortText | None = None
    summary: LongText
    assessed_on: date
