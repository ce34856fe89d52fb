"""JSON API for measurement-based care: instruments, assignments, answers, results and trends.

Routes about a person check the care relationship in a dependency that runs before the request body
is read, so someone with no relationship is refused (403) whatever they send.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Literal, get_args

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from withcare.domain.measures import INSTRUMENT_IDS, load_instrument
from withcare.security.authorisation import Actor, Permission
from withcare.services.measures import (
    AdministrationView,
    AssignmentView,
    Mode,
    Schedule,
    SubmitOutcome,
    require_instrument,
)
from withcare.web.guard import actor_of, guard, platform_of
from withcare.web.routes.api.schemas import error_responses

ERRORS = error_responses(forbidden="No access, or the person declined (consent)")
router = APIRouter(prefix="/api/v1", responses=ERRORS, tags=["measures"])

InstrumentId = Literal[
    "phq9",
    "phq8",
    "phq2",
    "gad7",
    "gad2",
    "wsas",
    "core10",
    "wemwbs",
    "swemwbs",
    "pcl5",
    "audit",
    "audit_c",
    "who5",
    "epds",
    "k10",
    "cssrs_screener",
]
assert set(get_args(InstrumentId)) == set(INSTRUMENT_IDS), "keep in step with the library"


def person_access(permission: Permission) -> Any:
    """A dependency refusing early when the actor may not act for ``{person_id}``."""

    async def check(request: Request, person_id: str) -> None:
        platform_of(request).measures.require_access(actor_of(request), person_id, permission)

    return Depends(check)


# -- shapes ---------------------------------------------------------------------------------------
class OptionOut(BaseModel):
    label: str
    score: int


class ItemOut(BaseModel):
    number: int
    link_id: str
    text: str
    options: list[OptionOut]
    allow_not_applicable: bool
    risk: bool


class InstrumentOut(BaseModel):
    id: str
    name: str
    short_name: str
    items: int
    higher_is_better: bool
    requires_licence: bool
    licence_recorded: bool
    blocked_reason: str | None


class InstrumentDetailOut(BaseModel):
    id: str
    name: str
    short_name: str
    stem: str
    period: str
    higher_is_better: bool
    total_minimum: int | None
    total_maximum: int | None
    severity_labels: list[str]
    licence_terms: str
    loinc_panel: str | None
    loinc_total: str | None
    items: list[ItemOut]


class AssignmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instrument_id: InstrumentId
    schedule: Schedule = Schedule.ONCE
    window_days: int = Field(7, ge=1, le=60)
    starts_at: datetime | None = Field(None, description="When the first window opens (with zone)")
    reminders: bool = True


class AssignmentOut(BaseModel):
    id: str
    instrument_id: str
    instrument_name: str
    schedule: str
    window_days: int
    next_due_at: datetime
    reminders: bool
    snoozed_until: datetime | None
    assigned_at: datetime
    ended_at: datetime | None


class DueOut(BaseModel):
    assignment_id: str
    instrument_id: str
    instrument_name: str
    short_name: str
    window_opens: datetime
    window_closes: datetime
    draft_id: str | None
    snoozed_until: datetime | None


Answer = int | Literal["not_applicable"] | None


class AdministrationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instrument_id: InstrumentId
    responses: list[Answer] = Field(
        max_length=40, description="Item scores, item 1 first; null for an unanswered item."
    )
    mode: Mode = Field(
        Mode.WEB,
        description="web (the person themself), paper, phone or in_person (entered by staff)",
    )
    completed_at: datetime | None = Field(None, description="When it was answered (with zone)")
    assignment_id: str | None = Field(None, max_length=32)


class DraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instrument_id: InstrumentId
    responses: list[Answer] = Field(max_length=40)
    assignment_id: str | None = Field(None, max_length=32)


class DraftOut(BaseModel):
    id: str


class AdministrationOut(BaseModel):
    id: str
    instrument_id: str
    mode: str
    status: str
    responses: list[int | str | None]
    completed_at: datetime | None
    submitted_at: datetime | None
    total: float | None
    maximum: int | None
    severity: str | None
    valid: bool | None
    risk_flag: bool
    risk_items: list[int]
    errors: list[str]
    extras: dict[str, Any]
    assignment_id: str | None


class SubmitOut(BaseModel):
    administration: AdministrationOut
    risk_signalled: bool
    crisis_support: str | None = Field(
        description="Where to send the person at once when the answers carry a risk flag"
    )


class TrendPointOut(BaseModel):
    administration_id: str
    at: datetime
    total: float
    severity: str | None
    change: str | None = Field(description="Jacobson-Truax category against the first score")
    risk_flag: bool
    mode: str


class BandOut(BaseModel):
    label: str
    minimum: float
    maximum: float


class TrendOut(BaseModel):
    instrument_id: str
    short_name: str
    minimum: int
    maximum: int
    higher_is_better: bool
    reliable_change: float | None
    bands: list[BandOut]
    points: list[TrendPointOut]


class CourseOut(BaseModel):
    since: date | None
    phq9_first: int | None
    phq9_last: int | None
    gad7_first: int | None
    gad7_last: int | None
    outcome: dict[str, bool] | None


class OverviewOut(BaseModel):
    person_id: str
    trends: list[TrendOut]
    risk_flags: list[AdministrationOut]
    course: CourseOut
    assignments: list[AssignmentOut]


class LicenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instrument_id: InstrumentId
    reference: str = Field(min_length=1, max_length=200)


def _administration(view: AdministrationView) -> AdministrationOut:
    data = asdict(view)
    for key in ("person_id", "instrument_name", "short_name", "entered_by_id"):
        data.pop(key)
    return AdministrationOut(**data)


def _assignment(view: AssignmentView) -> AssignmentOut:
    return AssignmentOut(**asdict(view))


def _submitted(request: Request, outcome: SubmitOutcome) -> SubmitOut:
    from withcare.web.routes.pages.measures import CRISIS_PATH

    return SubmitOut(
        administration=_administration(outcome.administration),
        risk_signalled=outcome.risk_signalled,
        crisis_support=CRISIS_PATH if outcome.shows_crisis_page else None,
    )


# -- instruments ----------------------------------------------------------------------------------
@router.get("/instruments", response_model=list[InstrumentOut])
async def instruments(
    request: Request, actor: Actor | None = guard(Permission.PUBLIC)
) -> list[InstrumentOut]:
    listing = platform_of(request).measures.instruments(actor)
    return [
        InstrumentOut(
            id=i.id,
            name=i.name,
            short_name=i.short_name,
            items=i.items,
            higher_is_better=load_instrument(i.id).higher_is_better,
            requires_licence=i.requires_licence,
            licence_recorded=i.licence_recorded,
            blocked_reason=i.blocked_reason,
        )
        for i in listing
    ]


@router.get("/instruments/{instrument_id}", response_model=InstrumentDetailOut)
async def instrument(
    instrument_id: str, actor: Actor | None = guard(Permission.PUBLIC)
) -> InstrumentDetailOut:
    found = require_instrument(instrument_id)
    return InstrumentDetailOut(
        id=found.id,
        name=found.name,
        short_name=found.short_name,
        stem=found.stem,
        period=found.period,
        higher_is_better=found.higher_is_better,
        total_minimum=found.total_minimum,
        total_maximum=found.total_maximum,
        severity_labels=list(found.severity_labels),
        licence_terms=found.licence.terms,
        loinc_panel=found.loinc_panel,
        loinc_total=found.loinc_total,
        items=[
            ItemOut(
                number=item.number,
                link_id=item.link_id,
                text=item.text,
                options=[OptionOut(label=o.label, score=o.score) for o in item.options],
                allow_not_applicable=item.allow_not_applicable,
                risk=item.risk,
            )
            for item in found.items
        ],
    )


@router.post("/admin/instrument-licences", status_code=204)
async def record_licence(
    request: Request,
    body: LicenceIn,
    actor: Actor | None = guard(Permission.INSTRUMENT_LICENCES_MANAGE),
) -> None:
    platform_of(request).measures.record_licence(actor, body.instrument_id, body.reference)


# -- a person's measures -------------------------------------------------------------------------
@router.get("/people/{person_id}/measures", response_model=OverviewOut)
async def overview(
    request: Request,
    person_id: str,
    actor: Actor | None = guard(Permission.PERSON_MEASURES_READ),
) -> OverviewOut:
    found = platform_of(request).measures.overview(actor, person_id)
    course = found.course
    return OverviewOut(
        person_id=found.person_id,
        trends=[
            TrendOut(
                instrument_id=t.instrument_id,
                short_name=t.short_name,
                minimum=t.minimum,
                maximum=t.maximum,
                higher_is_better=t.higher_is_better,
                reliable_change=t.reliable_change,
                bands=[BandOut(**asdict(b)) for b in t.bands],
                points=[TrendPointOut(**asdict(p)) for p in t.points],
            )
            for t in found.trends
        ],
        risk_flags=[_administration(v) for v in found.risk_flags],
        course=CourseOut(
            since=course.since,
            phq9_first=course.phq9_first,
            phq9_last=course.phq9_last,
            gad7_first=course.gad7_first,
            gad7_last=course.gad7_last,
            outcome={k: bool(v) for k, v in course.outcome.as_record().items()}
            if course.outcome
            else None,
        ),
        assignments=[_assignment(a) for a in found.assignments],
    )


@router.get("/people/{person_id}/measures/due", response_model=list[DueOut])
async def due(
    request: Request,
    person_id: str,
    actor: Actor | None = guard(Permission.PERSON_MEASURES_READ),
) -> list[DueOut]:
    return [DueOut(**asdict(d)) for d in platform_of(request).measures.due(actor, person_id)]


@router.get("/people/{person_id}/measures/assignments", response_model=list[AssignmentOut])
async def assignments(
    request: Request,
    person_id: str,
    actor: Actor | None = guard(Permission.PERSON_MEASURES_READ),
) -> list[AssignmentOut]:
    return [_assignment(a) for a in platform_of(request).measures.assignments(actor, person_id)]


@router.post(
    "/people/{person_id}/measures/assignments", response_model=AssignmentOut, status_code=201
)
async def assign(
    request: Request,
    person_id: str,
    body: AssignmentIn,
    actor: Actor | None = guard(Permission.PERSON_MEASURES_ASSIGN),
    _access: None = person_access(Permission.PERSON_MEASURES_ASSIGN),
) -> AssignmentOut:
    view = platform_of(request).measures.assign(
        actor,
        person_id,
        body.instrument_id,
        schedule=body.schedule.value,
        window_days=body.window_days,
        starts_at=body.starts_at,
        reminders=body.reminders,
    )
    return _assignment(view)


@router.post("/people/{person_id}/measures/drafts", response_model=DraftOut, status_code=201)
async def save_draft(
    request: Request,
    person_id: str,
    body: DraftIn,
    actor: Actor | None = guard(Permission.PERSON_MEASURES_RESPOND),
    _access: None = person_access(Permission.PERSON_MEASURES_RESPOND),
) -> DraftOut:
    draft_id = platform_of(request).measures.save_draft(
        actor, person_id, body.instrument_id, body.responses, assignment_id=body.assignment_id
    )
    return DraftOut(id=draft_id)


@router.post(
    "/people/{person_id}/measures/administrations", response_model=SubmitOut, status_code=201
)
async def submit(
    request: Request,
    person_id: str,
    body: AdministrationIn,
    actor: Actor | None = guard(Permission.PERSON_MEASURES_READ),
    _access: None = person_access(Permission.PERSON_MEASURES_READ),
) -> SubmitOut:
    """The person sends their own answers (``web``); their care team enters ``paper``,
    ``phone`` or ``in_person`` ones. Scored by the published rules and stored; a risk answer
    is handed to the safety team at once and ``crisis_support`` says where to send the person."""
    outcome = platform_of(request).measures.submit(
        actor,
        person_id,
        body.instrument_id,
        body.responses,
        assignment_id=body.assignment_id,
        mode=body.mode.value,
        completed_at=body.completed_at,
    )
    return _submitted(request, outcome)


@router.get(
    "/people/{person_id}/measures/administrations/{administration_id}",
    response_model=AdministrationOut,
)
async def administration(
    request: Request,
    person_id: str,
    administration_id: str,
    actor: Actor | None = guard(Permission.PERSON_MEASURES_READ),
) -> AdministrationOut:
    view = platform_of(request).measures.administration(actor, person_id, administration_id)
    return _administration(view)
