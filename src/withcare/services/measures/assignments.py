"""Assigning questionnaires: schedules, availability windows, reminders and snooze."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from withcare.db.models import Contact, MeasureAdministration, MeasureAssignment, Person
from withcare.domain.consent import DataStream, Purpose
from withcare.domain.measures import INSTRUMENT_IDS
from withcare.domain.measures.licensing import BLOCKED_MESSAGE, licence_needed
from withcare.security.authorisation import Actor, Permission
from withcare.services.errors import N_, InvalidInput, NotFound
from withcare.services.measures.instruments import instrument_or_none
from withcare.services.measures.licences import LicencesMixin
from withcare.services.measures.views import AssignmentView, DueItem, ReminderDue, _assignment_view
from withcare.services.measures.vocabulary import MAX_WINDOW_DAYS, SNOOZE, SUBMITTED, Schedule
from withcare.services.unit_of_work import UnitOfWork, access_reason


@dataclass
class _Window:
    opens: datetime
    closes: datetime


class AssignmentsMixin(LicencesMixin):
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
            licence: dict[str, str] = {}
            instrument = instrument_or_none(instrument_id)
            if instrument is None or instrument_id not in INSTRUMENT_IDS:
                problems["instrument_id"] = N_("Choose a questionnaire from the list.")
            else:
                licence = licence_needed(instrument.id, self._licences(uow)) or {}
                if licence:
                    problems["instrument_id"] = BLOCKED_MESSAGE
            try:
                how = Schedule(schedule)
            except ValueError:
                problems["schedule"] = N_("Choose one of: %(schedules)s")
                how = Schedule.ONCE
            if not 1 <= window_days <= MAX_WINDOW_DAYS:
                problems["window_days"] = N_("Enter a window from 1 to %(max_days)d days.")
            now = uow.clock.now()
            start = starts_at or now
            if start.tzinfo is None:
                problems["starts_at"] = N_("Give the start with its time zone.")
            elif start < now - timedelta(days=1):
                problems["starts_at"] = N_("The window cannot start in the past.")
            if problems:
                raise InvalidInput(
                    N_("The questionnaire could not be assigned."),
                    problems,
                    params={
                        "schedules": ", ".join(s.value for s in Schedule),
                        "max_days": MAX_WINDOW_DAYS,
                        **licence,
                    },
                )
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
                raise NotFound(N_("That questionnaire is not assigned to this person."))
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
                reason=access_reason(actor, person_id),
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
                reason=access_reason(actor, person_id),
            )
            return items

    def remind_later(self, actor: Actor | None, person_id: str, assignment_id: str) -> datetime:
        """The person's "remind me later": no reminder for a day; the questionnaire stays listed."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_RESPOND, person_id)
            row = uow.session.get(MeasureAssignment, assignment_id)
            if row is None or row.person_id != person_id:
                raise NotFound(N_("That questionnaire is not assigned to you."))
            until = uow.clock.now() + SNOOZE
            row.snoozed_until = until
            uow.audit.record(
                actor,
                "measure_assignment.snooze",
                subject_type="measure_assignment",
                subject_id=row.id,
                person_id=person_id,
                reason=access_reason(actor, person_id),
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
                person = uow.session.get(Person, row.person_id)
                email = person.email if person is not None else ""
                found.append(
                    ReminderDue(row.person_id, row.id, row.instrument_id, window.closes, email)
                )
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
