"""Measurement-based care in the platform (issue 3): licences, assignments, answers, results, FHIR.

The instruments and their exact scoring are the pure library in :mod:`withcare.domain.measures`;
this service stores what a service decides and what people answered, and never scores anything
itself: every stored score is exactly what ``withcare.domain.measures.score`` returned.

Rules kept here:

* licence-restricted instruments cannot be assigned until an administrator records the licence;
* a questionnaire is offered only while its availability window is open (expired ones disappear);
* collecting or reading a person's answers asks the consent policy point first (direct care x
  questionnaires: allowed unless the person declined);
* an administration with a risk flag publishes :class:`RiskSignalRaised` inside the same unit of
  work as the answers, so the answers and the escalation are stored together or not at all; an
  invalid form with a risk answer is still stored (safety first), any other invalid form is refused
  with a message naming each item;
* every read and write of a person's measures is audited (ids and codes only).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from withcare.db.models import (
    Contact,
    Episode,
    InstrumentLicence,
    MeasureAdministration,
    MeasureAssignment,
    Person,
)
from withcare.domain.consent import DataStream, Purpose
from withcare.domain.measures import (
    INSTRUMENT_IDS,
    Instrument,
    ScoreResult,
    UnknownInstrumentError,
    all_instruments,
    assignment_blocked_reason,
    course_outcome,
    jacobson_truax,
    load_instrument,
    score,
)
from withcare.domain.measures import fhir as measures_fhir
from withcare.domain.measures.change import NoPublishedNormsError
from withcare.domain.measures.examples import responses_for_total
from withcare.domain.measures.outcomes import CourseOutcome
from withcare.security.authorisation import Actor, Permission, authorise
from withcare.services.errors import InvalidInput, NotFound
from withcare.services.events import RiskSignalRaised
from withcare.services.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from withcare.services.platform import Platform


class Schedule(StrEnum):
    ONCE = "once"
    EVERY_SESSION = "every_session"
    WEEKLY = "weekly"
    BEFORE_APPOINTMENT = "before_appointment"


class Mode(StrEnum):
    """How an administration was given (P1: a screen is never the only way)."""

    WEB = "web"
    PAPER = "paper"
    PHONE = "phone"
    IN_PERSON = "in_person"
    FHIR = "fhir"


STAFF_MODES = (Mode.PAPER, Mode.PHONE, Mode.IN_PERSON)
DRAFT = "draft"
SUBMITTED = "submitted"
MAX_WINDOW_DAYS = 60
SNOOZE = timedelta(days=1)
FHIR_SUBJECT = "Patient/{person_id}"
_ITEM = re.compile(r"item (\d+):")


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
        if self.total is None:
            return ""
        return str(int(self.total)) if float(self.total).is_integer() else f"{self.total:g}"


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


@dataclass
class _Window:
    opens: datetime
    closes: datetime


@dataclass
class _Signals:
    signals: tuple[Any, ...] = ()
    crisis: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def instrument_or_none(instrument_id: str) -> Instrument | None:
    try:
        return load_instrument(instrument_id)
    except (UnknownInstrumentError, KeyError, ValueError):
        return None


def _instrument(instrument_id: str) -> Instrument:
    found = instrument_or_none(instrument_id) if instrument_id in INSTRUMENT_IDS else None
    if found is None:
        raise NotFound("There is no questionnaire with that name.")
    return found


def _reason(actor: Actor | None, person_id: str) -> str:
    if actor is not None and actor.person_id == person_id:
        return "self_access"
    if actor is not None and str(actor.role) == "carer":
        return "proxy_access"
    return "direct_care"


def problems_by_item(instrument: Instrument, result: ScoreResult) -> dict[str, str]:
    """The scorer's messages keyed by the form field of the item they name (``item_3``)."""
    problems: dict[str, str] = {}
    missing = [n for n, s in enumerate(result.item_scores, start=1) if s is None]
    for message in result.errors:
        named = _ITEM.match(message)
        if named:
            number = int(named.group(1))
            problems.setdefault(
                f"item_{number}", f"Question {number}: {message.split(': ', 1)[-1]}"
            )
        elif "missing" in message:
            for number in missing:
                problems.setdefault(f"item_{number}", f"Question {number}: choose an answer.")
        else:
            problems.setdefault("form", message)
    return problems


class MeasuresService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    def require_access(self, actor: Actor | None, person_id: str, permission: Permission) -> None:
        """Refuse early (before reading any input) when the actor may not act for this person."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(permission, person_id)

    # -- instruments and licences ---------------------------------------------------------------
    def _licences(self, uow: UnitOfWork) -> set[str]:
        return set(uow.session.execute(select(InstrumentLicence.instrument_id)).scalars())

    def instruments(self, actor: Actor | None) -> list[InstrumentSummary]:
        """Every instrument in the library, with whether it may be assigned here."""
        with self._platform.unit_of_work(actor) as uow:
            recorded = self._licences(uow)
        return [
            InstrumentSummary(
                id=i.id,
                name=i.name,
                short_name=i.short_name,
                items=i.item_count,
                requires_licence=i.licence.requires_registration,
                licence_recorded=i.id in recorded,
                licence_terms=i.licence.terms,
                blocked_reason=assignment_blocked_reason(i.id, recorded),
            )
            for i in all_instruments()
        ]

    def record_licence(self, actor: Actor | None, instrument_id: str, reference: str) -> None:
        """An administrator records that the service holds an instrument's licence."""
        authorise(actor, Permission.INSTRUMENT_LICENCES_MANAGE)
        assert actor is not None
        instrument = _instrument(instrument_id)
        reference = reference.strip()
        if not reference or len(reference) > 200:
            raise InvalidInput(
                "Give the licence reference (up to 200 characters).",
                {"reference": "Enter the licence or registration reference."},
            )
        with self._platform.unit_of_work(actor) as uow:
            row = uow.session.get(InstrumentLicence, instrument.id)
            if row is None:
                row = InstrumentLicence(instrument_id=instrument.id)
                uow.session.add(row)
            row.reference = reference
            row.recorded_by_id = actor.user_id
            row.recorded_at = uow.clock.now()
            uow.audit.record(
                actor,
                "instrument_licence.record",
                subject_type="instrument",
                subject_id=instrument.id,
                reason="administration",
            )

    # -- assignments ----------------------------------------------------------------------------
    def assign(
        self,
        actor: Actor | None,
        person_id: str,
        instrument_id: str,
        *,
        schedule: str = Schedule.ONCE,
        window_days: int = 7,
        starts_at: datetime | None = None,
        reminders: bool = True,
    ) -> AssignmentView:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_ASSIGN, person_id)
            assert actor is not None
            problems: dict[str, str] = {}
            instrument = instrument_or_none(instrument_id)
            if instrument is None or instrument_id not in INSTRUMENT_IDS:
                problems["instrument_id"] = "Choose a questionnaire from the list."
            else:
                blocked = assignment_blocked_reason(instrument.id, self._licences(uow))
                if blocked:
                    problems["instrument_id"] = blocked[0].upper() + blocked[1:] + "."
            try:
                how = Schedule(schedule)
            except ValueError:
                problems["schedule"] = "Choose one of: " + ", ".join(s.value for s in Schedule)
                how = Schedule.ONCE
            if not 1 <= window_days <= MAX_WINDOW_DAYS:
                problems["window_days"] = f"Enter a window from 1 to {MAX_WINDOW_DAYS} days."
            now = uow.clock.now()
            start = starts_at or now
            if start.tzinfo is None:
                problems["starts_at"] = "Give the start with its time zone."
            elif start < now - timedelta(days=1):
                problems["starts_at"] = "The window cannot start in the past."
            if problems:
                raise InvalidInput("The questionnaire could not be assigned.", problems)
            assert instrument is not None
            row = MeasureAssignment(
                person_id=person_id,
                instrument_id=instrument.id,
                schedule=how.value,
                window_days=window_days,
                next_due_at=start,
                reminders=reminders,
                assigned_by_id=actor.user_id,
                assigned_at=now,
            )
            uow.session.add(row)
            uow.session.flush()
            uow.audit.record(
                actor,
                "measure_assignment.create",
                subject_type="measure_assignment",
                subject_id=row.id,
                person_id=person_id,
                reason="direct_care",
                details={"instrument": instrument.id, "schedule": how.value},
            )
            return _assignment_view(row)

    def end_assignment(self, actor: Actor | None, person_id: str, assignment_id: str) -> None:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_ASSIGN, person_id)
            row = uow.session.get(MeasureAssignment, assignment_id)
            if row is None or row.person_id != person_id:
                raise NotFound("That questionnaire is not assigned to this person.")
            if row.ended_at is None:
                row.ended_at = uow.clock.now()
            uow.audit.record(
                actor,
                "measure_assignment.end",
                subject_type="measure_assignment",
                subject_id=row.id,
                person_id=person_id,
                reason="direct_care",
            )

    def assignments(self, actor: Actor | None, person_id: str) -> list[AssignmentView]:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_READ, person_id)
            rows = self._assignment_rows(uow, person_id, include_ended=False)
            uow.audit.record(
                actor,
                "measure_assignment.list",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason=_reason(actor, person_id),
            )
            return [_assignment_view(r) for r in rows]

    def _assignment_rows(
        self, uow: UnitOfWork, person_id: str, include_ended: bool
    ) -> list[MeasureAssignment]:
        query = select(MeasureAssignment).where(MeasureAssignment.person_id == person_id)
        if not include_ended:
            query = query.where(MeasureAssignment.ended_at.is_(None))
        return list(uow.session.execute(query.order_by(MeasureAssignment.assigned_at)).scalars())

    def _window(self, uow: UnitOfWork, row: MeasureAssignment, now: datetime) -> _Window | None:
        """The assignment's open availability window at ``now``, if any and not yet answered."""
        if row.ended_at is not None and row.ended_at <= now:
            return None
        length = timedelta(days=row.window_days)
        start = row.next_due_at
        if now < start:
            return None
        schedule = Schedule(row.schedule)
        if schedule is Schedule.WEEKLY:
            periods = (now - start) // timedelta(days=7)
            start = start + periods * timedelta(days=7)
            length = min(length, timedelta(days=7))
        elif schedule is Schedule.EVERY_SESSION:
            latest_contact = uow.session.execute(
                select(Contact.occurred_at)
                .where(
                    Contact.person_id == row.person_id,
                    Contact.occurred_at <= now,
                    Contact.occurred_at >= start,
                    Contact.mode != "digital_self_help",
                )
                .order_by(Contact.occurred_at.desc())
                .limit(1)
            ).scalar_one_or_none()
            if latest_contact is not None:
                start = latest_contact
        closes = start + length
        if now >= closes:
            return None  # expired: not shown
        answered = uow.session.execute(
            select(MeasureAdministration.id)
            .where(
                MeasureAdministration.assignment_id == row.id,
                MeasureAdministration.status == SUBMITTED,
                MeasureAdministration.submitted_at >= start,
            )
            .limit(1)
        ).first()
        if answered is not None:
            return None
        if schedule in (Schedule.ONCE, Schedule.BEFORE_APPOINTMENT):
            ever = uow.session.execute(
                select(MeasureAdministration.id)
                .where(
                    MeasureAdministration.assignment_id == row.id,
                    MeasureAdministration.status == SUBMITTED,
                )
                .limit(1)
            ).first()
            if ever is not None:
                return None
        return _Window(start, closes)

    def _due(self, uow: UnitOfWork, person_id: str) -> list[DueItem]:
        now = uow.clock.now()
        due: list[DueItem] = []
        for row in self._assignment_rows(uow, person_id, include_ended=False):
            window = self._window(uow, row, now)
            instrument = instrument_or_none(row.instrument_id)
            if window is None or instrument is None:
                continue
            draft = self._draft(uow, person_id, row.instrument_id, row.id)
            due.append(
                DueItem(
                    assignment_id=row.id,
                    instrument_id=instrument.id,
                    instrument_name=instrument.name,
                    short_name=instrument.short_name,
                    window_opens=window.opens,
                    window_closes=window.closes,
                    draft_id=draft.id if draft else None,
                    snoozed_until=row.snoozed_until
                    if row.snoozed_until and row.snoozed_until > now
                    else None,
                )
            )
        return sorted(due, key=lambda d: d.window_closes)

    def due(self, actor: Actor | None, person_id: str) -> list[DueItem]:
        """Questionnaires the person can complete now (open windows only; expired ones go)."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_READ, person_id)
            decision = self._platform.consent.check(
                uow, person_id, Purpose.DIRECT_CARE, DataStream.QUESTIONNAIRES
            )
            if not decision.allowed:
                return []
            items = self._due(uow, person_id)
            uow.audit.record(
                actor,
                "measure_due.list",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason=_reason(actor, person_id),
            )
            return items

    def remind_later(self, actor: Actor | None, person_id: str, assignment_id: str) -> datetime:
        """The person's "remind me later": no reminder for a day; the questionnaire stays listed."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_RESPOND, person_id)
            row = uow.session.get(MeasureAssignment, assignment_id)
            if row is None or row.person_id != person_id:
                raise NotFound("That questionnaire is not assigned to you.")
            until = uow.clock.now() + SNOOZE
            row.snoozed_until = until
            uow.audit.record(
                actor,
                "measure_assignment.snooze",
                subject_type="measure_assignment",
                subject_id=row.id,
                person_id=person_id,
                reason=_reason(actor, person_id),
            )
            return until

    def reminders_due(self, *, mark_sent: bool = True) -> list[ReminderDue]:
        """Reminders to send now: one per open window, none while snoozed (for the worker/CLI).

        With ``mark_sent`` the reminders are recorded as sent, so calling again sends nothing new.
        """
        with self._platform.unit_of_work(None) as uow:
            now = uow.clock.now()
            rows = uow.session.execute(
                select(MeasureAssignment).where(
                    MeasureAssignment.ended_at.is_(None),
                    MeasureAssignment.reminders.is_(True),
                    MeasureAssignment.next_due_at <= now,
                )
            ).scalars()
            found: list[ReminderDue] = []
            for row in rows:
                if row.snoozed_until is not None and row.snoozed_until > now:
                    continue
                window = self._window(uow, row, now)
                if window is None:
                    continue
                since = max(window.opens, row.snoozed_until or window.opens)
                if row.last_reminded_at is not None and row.last_reminded_at >= since:
                    continue
                decision = self._platform.consent.check(
                    uow, row.person_id, Purpose.DIRECT_CARE, DataStream.QUESTIONNAIRES
                )
                if not decision.allowed:
                    continue
                found.append(ReminderDue(row.person_id, row.id, row.instrument_id, window.closes))
                if mark_sent:
                    row.last_reminded_at = now
                    uow.audit.record(
                        None,
                        "measure_reminder.send",
                        subject_type="measure_assignment",
                        subject_id=row.id,
                        person_id=row.person_id,
                        reason="direct_care",
                    )
            return found

    # -- answering ------------------------------------------------------------------------------
    def _draft(
        self, uow: UnitOfWork, person_id: str, instrument_id: str, assignment_id: str | None
    ) -> MeasureAdministration | None:
        query = select(MeasureAdministration).where(
            MeasureAdministration.person_id == person_id,
            MeasureAdministration.instrument_id == instrument_id,
            MeasureAdministration.status == DRAFT,
        )
        if assignment_id is None:
            query = query.where(MeasureAdministration.assignment_id.is_(None))
        else:
            query = query.where(MeasureAdministration.assignment_id == assignment_id)
        return (
            uow.session.execute(query.order_by(MeasureAdministration.updated_at.desc()))
            .scalars()
            .first()
        )

    def _licensed_for_self(self, uow: UnitOfWork, instrument: Instrument) -> None:
        """Unassigned self-completion is for freely usable instruments (or licensed ones) only."""
        blocked = assignment_blocked_reason(instrument.id, self._licences(uow))
        if blocked:
            raise InvalidInput(blocked[0].upper() + blocked[1:] + ".", {"instrument_id": blocked})

    def _check_assignment(
        self, uow: UnitOfWork, person_id: str, instrument_id: str, assignment_id: str | None
    ) -> MeasureAssignment | None:
        if assignment_id is None:
            return None
        row = uow.session.get(MeasureAssignment, assignment_id)
        if row is None or row.person_id != person_id or row.instrument_id != instrument_id:
            raise NotFound("That questionnaire is not assigned to this person.")
        return row

    def form(
        self, actor: Actor | None, person_id: str, instrument_id: str
    ) -> tuple[Instrument, DueItem | None, list[int | str | None]]:
        """What the person's form needs: the instrument, the open window and any saved answers."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_RESPOND, person_id)
            instrument = _instrument(instrument_id)
            self._platform.consent.require_flow(
                uow,
                person_id,
                Purpose.DIRECT_CARE,
                DataStream.QUESTIONNAIRES,
                f"{instrument.short_name} questionnaire opened",
            )
            due = next(
                (d for d in self._due(uow, person_id) if d.instrument_id == instrument.id), None
            )
            if due is None:
                self._licensed_for_self(uow, instrument)
            draft = self._draft(uow, person_id, instrument.id, due.assignment_id if due else None)
            saved: list[int | str | None] = (
                json.loads(draft.responses) if draft else [None] * instrument.item_count
            )
            uow.audit.record(
                actor,
                "measure_form.read",
                subject_type="instrument",
                subject_id=instrument.id,
                person_id=person_id,
                reason=_reason(actor, person_id),
            )
            return instrument, due, saved

    def save_draft(
        self,
        actor: Actor | None,
        person_id: str,
        instrument_id: str,
        responses: Sequence[int | str | None],
        assignment_id: str | None = None,
    ) -> str:
        """Keep answers so far and come back later; nothing is scored or shared yet."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_RESPOND, person_id)
            instrument = _instrument(instrument_id)
            values = _clean(instrument, responses)
            self._platform.consent.require_flow(
                uow,
                person_id,
                Purpose.DIRECT_CARE,
                DataStream.QUESTIONNAIRES,
                f"{instrument.short_name} answers saved to finish later",
            )
            if self._check_assignment(uow, person_id, instrument.id, assignment_id) is None:
                self._licensed_for_self(uow, instrument)
            now = uow.clock.now()
            row = self._draft(uow, person_id, instrument.id, assignment_id)
            if row is None:
                row = MeasureAdministration(
                    person_id=person_id,
                    instrument_id=instrument.id,
                    assignment_id=assignment_id,
                    mode=Mode.WEB.value,
                    status=DRAFT,
                    entered_by_id=actor.user_id if actor else None,
                    started_at=now,
                    risk_flag=False,
                    extras="{}",
                )
                uow.session.add(row)
            row.responses = json.dumps(values)
            row.updated_at = now
            uow.session.flush()
            uow.audit.record(
                actor,
                "measure_administration.draft",
                subject_type="measure_administration",
                subject_id=row.id,
                person_id=person_id,
                reason=_reason(actor, person_id),
                details={"instrument": instrument.id},
            )
            return row.id

    def submit(
        self,
        actor: Actor | None,
        person_id: str,
        instrument_id: str,
        responses: Sequence[object],
        *,
        assignment_id: str | None = None,
        mode: str = Mode.WEB,
        completed_at: datetime | None = None,
    ) -> SubmitOutcome:
        """Score with the domain scorer, store, audit and hand any risk to safety at once.

        The person answers for themself (``web``); their care team enters ``paper``, ``phone`` and
        ``in_person`` administrations; ``fhir`` is an imported QuestionnaireResponse.
        """
        try:
            how: Mode | None = Mode(mode)
        except ValueError:
            how = None
        own = actor is not None and actor.person_id == person_id
        permission = (
            Permission.PERSON_MEASURES_RESPOND
            if how is Mode.WEB or (how is Mode.FHIR and own)
            else Permission.PERSON_MEASURES_ENTER
        )
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(permission, person_id)
            if how is None:
                raise InvalidInput(
                    "Choose how the questionnaire was given.",
                    {"mode": "Choose paper, phone or in person."},
                )
            instrument = _instrument(instrument_id)
            result = score(instrument.id, list(responses))
            self._platform.consent.require_flow(
                uow,
                person_id,
                Purpose.DIRECT_CARE,
                DataStream.QUESTIONNAIRES,
                f"{instrument.short_name} answers collected ({how.value})",
            )
            assignment = self._check_assignment(uow, person_id, instrument.id, assignment_id)
            if assignment is None and how is Mode.WEB:
                self._licensed_for_self(uow, instrument)
            now = uow.clock.now()
            when = completed_at or now
            if when.tzinfo is None or when > now + timedelta(minutes=5):
                raise InvalidInput(
                    "The date it was completed cannot be in the future.",
                    {"completed_at": "Enter a date that is not in the future."},
                )
            if not result.valid and not result.risk_flag:
                raise InvalidInput(
                    "Some answers need checking.", problems_by_item(instrument, result)
                )
            row = (
                self._draft(uow, person_id, instrument.id, assignment_id)
                if how is Mode.WEB
                else None
            )
            if row is None:
                row = MeasureAdministration(
                    person_id=person_id,
                    instrument_id=instrument.id,
                    assignment_id=assignment.id if assignment else None,
                    started_at=now,
                )
                uow.session.add(row)
            row.mode = how.value
            row.status = SUBMITTED
            row.responses = json.dumps(list(result.item_scores))
            row.entered_by_id = actor.user_id if actor else None
            row.updated_at = now
            row.completed_at = when
            row.submitted_at = now
            row.total = None if result.total is None else float(result.total)
            row.severity = result.severity
            row.valid = result.valid
            row.risk_flag = result.risk_flag
            signals = _signals(instrument.id, result)
            row.extras = json.dumps(
                {
                    "errors": list(result.errors),
                    "risk_items": list(result.risk_items),
                    "subscales": dict(result.subscales),
                    "derived": dict(result.extras),
                }
            )
            uow.session.flush()
            uow.audit.record(
                actor,
                "measure_administration.submit",
                subject_type="measure_administration",
                subject_id=row.id,
                person_id=person_id,
                reason=_reason(actor, person_id),
                details={
                    "instrument": instrument.id,
                    "mode": how.value,
                    "valid": result.valid,
                    "risk_flag": result.risk_flag,
                },
            )
            raised = False
            if result.risk_flag or signals.signals:
                self._platform.events.publish(
                    uow,
                    RiskSignalRaised(
                        person_id=person_id,
                        source="instrument",
                        source_id=row.id,
                        signals=signals.signals or tuple(result.risk_items),
                    ),
                )
                raised = True
                uow.audit.record(
                    actor,
                    "risk_signal.raise",
                    subject_type="measure_administration",
                    subject_id=row.id,
                    person_id=person_id,
                    reason="safety",
                    details={"instrument": instrument.id},
                )
            return SubmitOutcome(
                administration=_administration_view(row),
                risk_signalled=raised,
                shows_crisis_page=result.risk_flag or signals.crisis,
            )

    # -- reading --------------------------------------------------------------------------------
    def administration(
        self, actor: Actor | None, person_id: str, administration_id: str
    ) -> AdministrationView:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_READ, person_id)
            row = uow.session.get(MeasureAdministration, administration_id)
            if row is None or row.person_id != person_id or row.status != SUBMITTED:
                raise NotFound("There is no such questionnaire result.")
            self._platform.consent.require_flow(
                uow,
                person_id,
                Purpose.DIRECT_CARE,
                DataStream.QUESTIONNAIRES,
                f"{row.instrument_id} result read",
            )
            uow.audit.record(
                actor,
                "measure_administration.read",
                subject_type="measure_administration",
                subject_id=row.id,
                person_id=person_id,
                reason=_reason(actor, person_id),
            )
            return _administration_view(row)

    def _submitted(self, uow: UnitOfWork, person_id: str) -> list[MeasureAdministration]:
        return list(
            uow.session.execute(
                select(MeasureAdministration)
                .where(
                    MeasureAdministration.person_id == person_id,
                    MeasureAdministration.status == SUBMITTED,
                )
                .order_by(MeasureAdministration.completed_at, MeasureAdministration.id)
            ).scalars()
        )

    def overview(self, actor: Actor | None, person_id: str) -> MeasuresOverview:
        """Trends per instrument with reliable change, latest risk flags, course outcome so far."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_READ, person_id)
            self._platform.consent.require_flow(
                uow,
                person_id,
                Purpose.DIRECT_CARE,
                DataStream.QUESTIONNAIRES,
                "Questionnaire results and trends read",
            )
            rows = self._submitted(uow, person_id)
            views = [_administration_view(r) for r in rows]
            episode = (
                uow.session.execute(
                    select(Episode)
                    .where(Episode.person_id == person_id)
                    .order_by(Episode.referral_date.desc())
                )
                .scalars()
                .first()
            )
            assignments = [
                _assignment_view(r) for r in self._assignment_rows(uow, person_id, False)
            ]
            uow.audit.record(
                actor,
                "measure_overview.read",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason=_reason(actor, person_id),
            )
        since = None
        if episode is not None:
            since = episode.start_date or episode.referral_date
        return MeasuresOverview(
            person_id=person_id,
            trends=trends(views),
            risk_flags=[v for v in reversed(views) if v.risk_flag][:5],
            course=course_so_far(views, since),
            assignments=assignments,
            recent=list(reversed(views))[:10],
        )

    # -- FHIR -----------------------------------------------------------------------------------
    def fhir_response(
        self, actor: Actor | None, person_id: str, administration_id: str, base_url: str
    ) -> dict[str, Any]:
        view = self.administration(actor, person_id, administration_id)
        resource = measures_fhir.questionnaire_response(
            view.instrument_id,
            _exportable(view.instrument_id, view.responses),
            subject=FHIR_SUBJECT.format(person_id=person_id),
            authored=view.completed_at or datetime.now(UTC),
            base_url=base_url,
            resource_id=view.id,
        )
        return dict(resource.model_dump(mode="json", exclude_none=True))

    def fhir_observation(
        self, actor: Actor | None, person_id: str, administration_id: str, base_url: str
    ) -> dict[str, Any]:
        view = self.administration(actor, person_id, administration_id)
        result = score(view.instrument_id, _exportable(view.instrument_id, view.responses))
        if not result.valid:
            raise NotFound("This administration was incomplete, so it has no score to export.")
        resource = measures_fhir.score_observation(
            result,
            subject=FHIR_SUBJECT.format(person_id=person_id),
            effective=view.completed_at or datetime.now(UTC),
            derived_from=f"QuestionnaireResponse/{view.id}",
            base_url=base_url,
            resource_id=f"{view.id}-score",
        )
        return dict(resource.model_dump(mode="json", exclude_none=True))

    def fhir_bundle(self, actor: Actor | None, person_id: str, base_url: str) -> dict[str, Any]:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_READ, person_id)
            self._platform.consent.require_flow(
                uow,
                person_id,
                Purpose.DIRECT_CARE,
                DataStream.QUESTIONNAIRES,
                "Questionnaire results exported (FHIR)",
            )
            views = [_administration_view(r) for r in self._submitted(uow, person_id)]
            uow.audit.record(
                actor,
                "measure_bundle.export",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason=_reason(actor, person_id),
                details={"administrations": len(views)},
            )
        administrations = [
            measures_fhir.Administration(
                v.instrument_id,
                _exportable(v.instrument_id, v.responses),
                v.completed_at or v.submitted_at or _EPOCH,
            )
            for v in views
        ]
        bundle = measures_fhir.measures_bundle(
            FHIR_SUBJECT.format(person_id=person_id), administrations, base_url
        )
        return dict(bundle.model_dump(mode="json", exclude_none=True))

    def import_fhir_response(
        self, actor: Actor | None, person_id: str, resource: Mapping[str, Any]
    ) -> SubmitOutcome:
        """Accept a QuestionnaireResponse for a library instrument: validate, score, store."""
        own = actor is not None and actor.person_id == person_id
        self.require_access(
            actor,
            person_id,
            Permission.PERSON_MEASURES_RESPOND if own else Permission.PERSON_MEASURES_ENTER,
        )
        try:
            parsed = measures_fhir.parse_questionnaire_response(resource)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise InvalidInput(
                "This is not a QuestionnaireResponse for one of our questionnaires.",
                {"resource": str(error)[:500]},
            ) from None
        expected = FHIR_SUBJECT.format(person_id=person_id)
        if parsed.subject not in (None, expected):
            raise InvalidInput(
                "The response is about someone else.", {"subject": f"Use {expected!r}."}
            )
        completed = parsed.authored
        if completed is not None and completed.tzinfo is None:
            completed = completed.replace(tzinfo=UTC)
        return self.submit(
            actor,
            person_id,
            parsed.instrument_id,
            parsed.responses,
            mode=Mode.FHIR,
            completed_at=completed,
        )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _exportable(
    instrument_id: str, responses: Sequence[int | str | None]
) -> list[int | str | None]:
    """Stored answers as one slot per item (an invalid form may have been stored short)."""
    instrument = instrument_or_none(instrument_id)
    count = instrument.item_count if instrument else len(responses)
    values = list(responses)[:count]
    return values + [None] * (count - len(values))


def _clean(instrument: Instrument, responses: Sequence[int | str | None]) -> list[int | str | None]:
    """Draft answers: one slot per item, values kept only when they are one of the item's."""
    values: list[int | str | None] = []
    for index, item in enumerate(instrument.items):
        value = responses[index] if index < len(responses) else None
        if (
            isinstance(value, int) and not isinstance(value, bool) and value in item.allowed_scores
        ) or (value == "not_applicable" and item.allow_not_applicable):
            values.append(value)
        else:
            values.append(None)
    return values


def _signals(instrument_id: str, result: ScoreResult) -> _Signals:
    """The safety module's signals for these answers (the same rules the safety engineer keeps)."""
    try:
        from withcare.domain.safety import evaluate_instrument_risk
    except ImportError:  # pragma: no cover - the safety core ships with the platform
        return _Signals()
    scores = [s if isinstance(s, int) else None for s in result.item_scores]
    try:
        found = evaluate_instrument_risk(instrument_id, scores)
    except Exception:
        return _Signals()
    return _Signals(
        signals=tuple(found), crisis=any(getattr(s, "shows_crisis_page", False) for s in found)
    )


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


def trends(views: Iterable[AdministrationView]) -> list[Trend]:
    """One series per instrument with a total, with Jacobson-Truax change against the first."""
    series: dict[str, list[AdministrationView]] = {}
    for view in views:
        if view.valid and view.total is not None and view.completed_at is not None:
            series.setdefault(view.instrument_id, []).append(view)
    found: list[Trend] = []
    for instrument_id, points in series.items():
        instrument = instrument_or_none(instrument_id)
        if instrument is None or instrument.total_maximum is None:
            continue
        first = points[0].total
        assert first is not None
        trend_points: list[TrendPoint] = []
        threshold: float | None = None
        for index, view in enumerate(points):
            assert view.total is not None and view.completed_at is not None
            change: str | None = None
            if index > 0:
                try:
                    judged = jacobson_truax(instrument_id, first, view.total)
                    change = judged.category.value
                    threshold = judged.threshold
                except NoPublishedNormsError:
                    change = None
            trend_points.append(
                TrendPoint(
                    administration_id=view.id,
                    at=view.completed_at,
                    total=view.total,
                    severity=view.severity,
                    change=change,
                    risk_flag=view.risk_flag,
                    mode=view.mode,
                )
            )
        found.append(
            Trend(
                instrument_id=instrument.id,
                name=instrument.name,
                short_name=instrument.short_name,
                minimum=instrument.total_minimum or 0,
                maximum=instrument.total_maximum,
                higher_is_better=instrument.higher_is_better,
                bands=[Band(b.label, b.minimum, b.maximum) for b in instrument.severity.bands],
                points=trend_points,
                reliable_change=threshold
                if threshold is not None
                else (instrument.change.reliable_change if instrument.change else None),
            )
        )
    order = {"phq9": 0, "gad7": 1}
    return sorted(found, key=lambda t: (order.get(t.instrument_id, 9), t.instrument_id))


def course_so_far(views: Sequence[AdministrationView], since: date | None) -> CourseSoFar:
    """NHS Talking Therapies outcome from the episode's first and latest PHQ-9 and GAD-7."""

    def totals(instrument_id: str) -> list[int]:
        return [
            int(v.total)
            for v in views
            if v.instrument_id == instrument_id
            and v.valid
            and v.total is not None
            and v.completed_at is not None
            and (since is None or v.completed_at.date() >= since)
        ]

    phq9, gad7 = totals("phq9"), totals("gad7")
    outcome = None
    if phq9 and gad7:
        outcome = course_outcome(phq9[0], phq9[-1], gad7[0], gad7[-1])
    return CourseSoFar(
        since=since,
        phq9_first=phq9[0] if phq9 else None,
        phq9_last=phq9[-1] if phq9 else None,
        gad7_first=gad7[0] if gad7 else None,
        gad7_last=gad7[-1] if gad7 else None,
        outcome=outcome,
    )


# -- demo data ----------------------------------------------------------------------------------
DEMO_SEED = 31415


def seed_demo_measures(uow: UnitOfWork) -> None:
    """Realistic PHQ-9 and GAD-7 histories for the demo people (synthetic answers only).

    Most improve over their course, some do not and a few get worse; one person answered PHQ-9
    item 9 above zero at their latest administration (no event is published for demo data: it is
    history, and the safety seed decides its own escalations). Every demo person in an open episode
    also has a weekly PHQ-9 and GAD-7 assigned, so "Things to do" shows something.
    """
    rng = random.Random(DEMO_SEED)
    now = uow.clock.now()
    people = list(
        uow.session.execute(select(Person).order_by(Person.created_at, Person.id)).scalars()
    )
    risky_done = False
    for index, person in enumerate(people):
        episode = (
            uow.session.execute(
                select(Episode)
                .where(Episode.person_id == person.id)
                .order_by(Episode.referral_date.desc())
            )
            .scalars()
            .first()
        )
        if episode is None or episode.start_date is None:
            continue
        clinician = episode.named_clinician_id
        if clinician is None:
            continue
        start = datetime.combine(episode.start_date, time(10, 0), tzinfo=UTC)
        stop = (
            datetime.combine(episode.end_date, time(10, 0), tzinfo=UTC) if episode.end_date else now
        )
        sessions = max(1, min(10, (stop - start).days // 14 + 1))
        kind = rng.choices(["improving", "flat", "worse"], weights=[6, 3, 1])[0]
        phq_start = rng.randint(10, 24)
        gad_start = rng.randint(8, 19)
        for session in range(sessions):
            at = start + timedelta(days=14 * session, hours=rng.randint(0, 6))
            if at > now:
                break
            progress = session / max(1, sessions - 1)
            if kind == "improving":
                phq = phq_start - progress * rng.uniform(6, phq_start - 2)
                gad = gad_start - progress * rng.uniform(4, gad_start - 1)
            elif kind == "worse":
                phq = phq_start + progress * rng.uniform(3, 8)
                gad = gad_start + progress * rng.uniform(2, 5)
            else:
                phq = phq_start + rng.uniform(-3, 3)
                gad = gad_start + rng.uniform(-2, 2)
            # at most 24: above that the example answers would need PHQ-9 item 9
            phq_total = max(0, min(24, round(phq + rng.uniform(-1.5, 1.5))))
            gad_total = max(0, min(21, round(gad + rng.uniform(-1, 1))))
            phq_items: list[int] = responses_for_total("phq9", phq_total)
            last = session == sessions - 1
            if last and not risky_done and index >= 3 and kind != "improving" and phq_total >= 12:
                # one person's most recent PHQ-9 has item 9 above zero
                phq_items = _with_item9(phq_items)
                risky_done = True
            mode = rng.choices(
                [Mode.WEB, Mode.PAPER, Mode.PHONE, Mode.IN_PERSON], weights=[6, 1, 1, 2]
            )[0]
            for instrument_id, items in (
                ("phq9", phq_items),
                ("gad7", responses_for_total("gad7", gad_total)),
            ):
                _demo_administration(uow, person.id, instrument_id, items, mode, at, clinician)
        if episode.end_date is None:
            for instrument_id in ("phq9", "gad7"):
                uow.session.add(
                    MeasureAssignment(
                        person_id=person.id,
                        instrument_id=instrument_id,
                        schedule=Schedule.WEEKLY.value,
                        window_days=3,
                        next_due_at=now - timedelta(days=rng.randint(0, 2), hours=1),
                        reminders=True,
                        assigned_by_id=clinician,
                        assigned_at=start,
                    )
                )
    uow.session.flush()


def _with_item9(items: list[int]) -> list[int]:
    """Move one point onto PHQ-9 item 9 (same total)."""
    changed = list(items)
    for index in range(8):
        if changed[index] > 0:
            changed[index] -= 1
            changed[8] += 1
            break
    return changed


def _demo_administration(
    uow: UnitOfWork,
    person_id: str,
    instrument_id: str,
    items: list[int],
    mode: Mode,
    at: datetime,
    clinician: str,
) -> None:
    result = score(instrument_id, items)
    uow.session.add(
        MeasureAdministration(
            person_id=person_id,
            instrument_id=instrument_id,
            mode=mode.value,
            status=SUBMITTED,
            responses=json.dumps(list(result.item_scores)),
            entered_by_id=None if mode is Mode.WEB else clinician,
            started_at=at,
            updated_at=at,
            completed_at=at,
            submitted_at=at,
            total=None if result.total is None else float(result.total),
            severity=result.severity,
            valid=result.valid,
            risk_flag=result.risk_flag,
            extras=json.dumps(
                {
                    "errors": list(result.errors),
                    "risk_items": list(result.risk_items),
                    "subscales": dict(result.subscales),
                    "derived": dict(result.extras),
                }
            ),
        )
    )
