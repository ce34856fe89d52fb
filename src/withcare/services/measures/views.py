"""The frozen views the measures service returns to callers, and how stored rows become them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from withcare.db.models import MeasureAdministration, MeasureAssignment
from withcare.domain.measures.outcomes import CourseOutcome
from withcare.domain.measures.scoring import score_text
from withcare.services.measures.instruments import instrument_or_none


@dataclass(frozen=True)
class InstrumentSummary:
    id: str
    name: str
    short_name: str
    items: int
    requires_licence: bool
    licence_recorded: bool
    licence_terms: str
    blocked_reason: str | None


@dataclass(frozen=True)
class AssignmentView:
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


@dataclass(frozen=True)
class DueItem:
    """A questionnaire the person can complete now: its window is open and not yet answered."""

    assignment_id: str
    instrument_id: str
    instrument_name: str
    short_name: str
    window_opens: datetime
    window_closes: datetime
    draft_id: str | None
    snoozed_until: datetime | None


@dataclass(frozen=True)
class AdministrationView:
    id: str
    person_id: str
    instrument_id: str
    instrument_name: str
    short_name: str
    mode: str
    status: str
    responses: list[int | str | None]
    entered_by_id: str | None
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

    @property
    def total_display(self) -> str:
        return score_text(self.total)


@dataclass(frozen=True)
class TrendPoint:
    administration_id: str
    at: datetime
    total: float
    severity: str | None
    #: Jacobson-Truax category against the first score: recovered, improved, unchanged,
    #: deteriorated; ``None`` for the first point or instruments without published values.
    change: str | None
    risk_flag: bool
    mode: str


@dataclass(frozen=True)
class Band:
    label: str
    minimum: float
    maximum: float


@dataclass(frozen=True)
class Trend:
    instrument_id: str
    name: str
    short_name: str
    minimum: int
    maximum: int
    higher_is_better: bool
    bands: list[Band]
    points: list[TrendPoint]
    reliable_change: float | None

    @property
    def latest(self) -> TrendPoint | None:
        return self.points[-1] if self.points else None


@dataclass(frozen=True)
class CourseSoFar:
    """NHS Talking Therapies outcome from the first and latest PHQ-9 and GAD-7 of the episode."""

    since: date | None
    phq9_first: int | None
    phq9_last: int | None
    gad7_first: int | None
    gad7_last: int | None
    outcome: CourseOutcome | None


@dataclass(frozen=True)
class MeasuresOverview:
    person_id: str
    trends: list[Trend]
    risk_flags: list[AdministrationView]
    course: CourseSoFar
    assignments: list[AssignmentView]
    recent: list[AdministrationView]


@dataclass(frozen=True)
class SubmitOutcome:
    administration: AdministrationView
    risk_signalled: bool
    shows_crisis_page: bool


@dataclass(frozen=True)
class ReminderDue:
    person_id: str
    assignment_id: str
    instrument_id: str
    window_closes: datetime
    email: str = ""  # where the worker sends it; empty: the "Things to do" list is the reminder


def _assignment_view(row: MeasureAssignment) -> AssignmentView:
    instrument = instrument_or_none(row.instrument_id)
    return AssignmentView(
        id=row.id,
        instrument_id=row.instrument_id,
        instrument_name=instrument.name if instrument else row.instrument_id,
        schedule=row.schedule,
        window_days=row.window_days,
        next_due_at=row.next_due_at,
        reminders=row.reminders,
        snoozed_until=row.snoozed_until,
        assigned_at=row.assigned_at,
        ended_at=row.ended_at,
    )


def _administration_view(row: MeasureAdministration) -> AdministrationView:
    instrument = instrument_or_none(row.instrument_id)
    extras: dict[str, Any] = json.loads(row.extras or "{}")
    return AdministrationView(
        id=row.id,
        person_id=row.person_id,
        instrument_id=row.instrument_id,
        instrument_name=instrument.name if instrument else row.instrument_id,
        short_name=instrument.short_name if instrument else row.instrument_id,
        mode=row.mode,
        status=row.status,
        responses=json.loads(row.responses),
        entered_by_id=row.entered_by_id,
        completed_at=row.completed_at,
        submitted_at=row.submitted_at,
        total=row.total,
        maximum=instrument.total_maximum if instrument else None,
        severity=row.severity,
        valid=row.valid,
        risk_flag=bool(row.risk_flag),
        risk_items=list(extras.get("risk_items", [])),
        errors=list(extras.get("errors", [])),
        extras=dict(extras.get("derived", {})),
        assignment_id=row.assignment_id,
    )
