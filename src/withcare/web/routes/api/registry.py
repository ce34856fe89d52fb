"""JSON API of the technology registry: search, a technology, its classifications, the
self-assessment and the export (the same services as the pages; public reads need no account)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from withcare.domain.registry.assessment import assessment_to_dict
from withcare.domain.registry.classification import ClassificationOutcome
from withcare.domain.registry.search import Filters, Profile
from withcare.domain.registry.vocabulary import EvidenceLevel
from withcare.security.authorisation import Actor, Permission
from withcare.services.pagination import PageRequest
from withcare.web.guard import guard, platform_of
from withcare.web.routes.api.schemas import PageOut, error_responses

ERRORS = error_responses(not_found="Not in the registry")
router = APIRouter(prefix="/api/v1/registry", responses=ERRORS, tags=["registry"])

PageNumber = Annotated[int, Query(ge=1, le=100_000)]
PerPage = Annotated[int, Query(ge=1, le=100)]
Text = Annotated[str | None, Query(max_length=200)]
RecordKind = Literal[
    "organisations",
    "technologies",
    "versions",
    "intended_uses",
    "facts",
    "regulatory_records",
    "designations",
    "guidance_records",
    "studies",
    "professional_assessments",
    "reviews",
    "feedback_responses",
]


class TechnologySummaryOut(BaseModel):
    id: str
    name: str
    kind: str
    organisation: str | None
    conditions: list[str]
    evidence_level: str
    authorised: bool


class RegulatoryOut(BaseModel):
    regulator: str
    jurisdiction: str
    pathway: str
    identifier: str | None
    device_class: str | None
    decision_date: date | None
    status: str
    source_url: str | None


class DesignationOut(BaseModel):
    regulator: str
    kind: str
    granted_on: date | None
    #: Always false: a designation is not an authorisation.
    authorises_marketing: bool


class GuidanceOut(BaseModel):
    body: str
    reference: str
    title: str
    recommendation: str
    published_on: date | None
    source_url: str | None


class StudyOut(BaseModel):
    design: str
    n: int | None
    comparator: str | None
    outcome: str | None
    effect_size: str | None
    doi: str | None
    registry_id: str | None


class ClassificationOut(BaseModel):
    scheme: str
    computed: str | None
    effective: str | None
    rule_version: str
    reasons: list[str]
    missing: list[str]
    source: str
    override_reason: str | None
    override_stale: bool


class OutcomesOut(BaseModel):
    enough_people: bool
    people: int | None
    reliable_improvement_count: int | None
    reliable_improvement_denominator: int | None
    recovery_count: int | None
    recovery_denominator: int | None
    summary: str


class ReviewOut(BaseModel):
    reviewer_kind: str
    rating: int | None
    text: str
    submitted_on: date


class TechnologyOut(TechnologySummaryOut):
    description: str | None
    website: str | None
    known: list[str]
    not_known: list[str]
    facts: dict[str, Any]
    regulatory_records: list[RegulatoryOut]
    designations: list[DesignationOut]
    guidance: list[GuidanceOut]
    studies: list[StudyOut]
    classifications: list[ClassificationOut]
    outcomes: OutcomesOut
    reviews: list[ReviewOut]


class ComparisonOut(BaseModel):
    ids: list[str]
    rows: list[tuple[str, list[str]]]


def _summary(p: Profile) -> TechnologySummaryOut:
    return TechnologySummaryOut(
        id=p.technology.id,
        name=p.technology.name,
        kind=p.technology.kind.value,
        organisation=p.organisation_name,
        conditions=list(p.conditions),
        evidence_level=p.evidence_level.value,
        authorised=p.is_authorised,
    )


def _classification(c: ClassificationOutcome) -> ClassificationOut:
    return ClassificationOut(
        scheme=c.computed.scheme.value,
        computed=c.computed.value,
        effective=c.effective,
        rule_version=c.computed.rule_version,
        reasons=list(c.computed.reasons),
        missing=list(c.computed.missing),
        source=c.computed.source,
        override_reason=c.override.reason if c.override else None,
        override_stale=c.stale,
    )


@router.get("/technologies", response_model=PageOut[TechnologySummaryOut])
async def technologies(
    request: Request,
    q: Text = None,
    condition: Text = None,
    cost: Text = None,
    platform: Text = None,
    language: Text = None,
    works_offline: bool | None = None,
    accessibility: Text = None,
    min_evidence: EvidenceLevel | None = None,
    authorised_only: bool = False,
    nice_recommended_only: bool = False,
    no_data_selling: bool = False,
    no_advertising_sharing: bool = False,
    page: PageNumber = 1,
    per_page: PerPage = 25,
    actor: Actor | None = guard(Permission.PUBLIC),
) -> PageOut[TechnologySummaryOut]:
    filters = Filters(
        text=q or None,
        condition=condition or None,
        cost_models=frozenset({cost}) if cost else None,
        platform=platform or None,
        language=language or None,
        works_offline=works_offline,
        accessibility_feature=accessibility or None,
        min_evidence=min_evidence,
        authorised_only=authorised_only,
        nice_recommended_only=nice_recommended_only,
        no_data_selling=no_data_selling,
        no_advertising_sharing=no_advertising_sharing,
    )
    result = platform_of(request).registry.search(actor, filters, PageRequest(page, per_page))
    return PageOut[TechnologySummaryOut].of(result, [_summary(p) for p in result.items])


@router.get("/compare", response_model=ComparisonOut)
async def compare(
    request: Request,
    ids: Annotated[list[str], Query(min_length=1)],
    actor: Actor | None = guard(Permission.PUBLIC),
) -> ComparisonOut:
    """Up to four technologies side by side; more than four is refused (422)."""
    chosen = [part for value in ids for part in value.split(",") if part.strip()][:20]
    comparison = platform_of(request).registry.compare(actor, chosen)
    return ComparisonOut(
        ids=[p.technology.id for p in comparison.profiles],
        rows=[(label, list(cells)) for label, cells in comparison.rows],
    )


def _jsonable(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


@router.get("/technologies/{technology_id}", response_model=TechnologyOut)
async def technology(
    request: Request, technology_id: str, actor: Actor | None = guard(Permission.PUBLIC)
) -> TechnologyOut:
    page = platform_of(request).registry.technology(actor, technology_id)
    p = page.profile
    outcomes = page.outcomes
    return TechnologyOut(
        **_summary(p).model_dump(),
        description=p.technology.description,
        website=p.technology.website,
        known=list(page.summary.known),
        not_known=list(page.summary.not_known),
        facts={k: _jsonable(v) for k, v in sorted(p.facts.items())},
        regulatory_records=[
            RegulatoryOut(
                regulator=r.regulator,
                jurisdiction=r.jurisdiction.value,
                pathway=r.pathway.value,
                identifier=r.identifier,
                device_class=r.device_class,
                decision_date=r.decision_date,
                status=r.status.value,
                source_url=r.provenance.source_url,
            )
            for r in p.regulatory_records
        ],
        designations=[
            DesignationOut(
                regulator=d.regulator,
                kind=d.kind.value,
                granted_on=d.granted_on,
                authorises_marketing=d.authorises_marketing,
            )
            for d in p.designations
        ],
        guidance=[
            GuidanceOut(
                body=g.body,
                reference=g.reference,
                title=g.title,
                recommendation=g.recommendation.value,
                published_on=g.published_on,
                source_url=g.provenance.source_url,
            )
            for g in p.guidance
        ],
        studies=[
            StudyOut(
                design=s.design.value,
                n=s.n,
                comparator=s.comparator,
                outcome=s.outcome,
                effect_size=s.effect_size,
                doi=s.doi,
                registry_id=s.registry_id,
            )
            for s in p.studies
        ],
        classifications=[_classification(c) for c in page.classifications],
        outcomes=OutcomesOut(
            enough_people=outcomes.enough_people,
            people=outcomes.people,
            reliable_improvement_count=outcomes.reliable_improvement.count,
            reliable_improvement_denominator=outcomes.reliable_improvement.denominator,
            recovery_count=outcomes.recovery.count,
            recovery_denominator=outcomes.recovery.denominator,
            summary=outcomes.plain_language,
        ),
        reviews=[
            ReviewOut(
                reviewer_kind=r.reviewer_kind.value,
                rating=r.rating,
                text=r.text,
                submitted_on=r.submitted_at.date(),
            )
            for r in page.reviews
        ],
    )


@router.get("/technologies/{technology_id}/classifications", response_model=list[ClassificationOut])
async def classifications(
    request: Request, technology_id: str, actor: Actor | None = guard(Permission.PUBLIC)
) -> list[ClassificationOut]:
    found = platform_of(request).registry.classifications(actor, technology_id)
    return [_classification(c) for c in found]


@router.get("/technologies/{technology_id}/assessment", response_model=dict[str, Any])
async def assessment(
    request: Request,
    technology_id: str,
    actor: Actor | None = guard(Permission.REGISTRY_EVALUATE),
) -> dict[str, Any]:
    """The latest saved self-assessment (or one from the registry's facts) as the JSON report."""
    saved = platform_of(request).registry.self_assessment(actor, technology_id)
    return assessment_to_dict(saved.assessment)


@router.get(
    "/export",
    response_class=Response,
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
async def export(
    request: Request,
    format: Literal["json", "csv"] = "json",
    kind: RecordKind | None = None,
    actor: Actor | None = guard(Permission.REGISTRY_EVALUATE),
) -> Response:
    """The whole registry as a JSON bundle, or one record kind as CSV (``kind`` required)."""
    text = platform_of(request).registry.export(actor, file_format=format, kind=kind)
    media = "text/csv" if format == "csv" else "application/json"
    name = f"withcare-registry{'-' + kind if kind else ''}.{format}"
    return Response(
        text, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
