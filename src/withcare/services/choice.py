"""Choice of how to be cared for (P1), as a service: preferences, declines, alternatives offered.

Declining a digital part never blocks care: it opens a prompt on the person's record telling the
clinician to offer a non-digital alternative, and the alternative offered is recorded. Managers see
declines and alternatives by group with disclosure control (``withcare.insights.choice_report``),
only for people whose consent allows service improvement statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from withcare.db.models import CarePreferenceRow, ChoiceEventRow, Person
from withcare.domain.care.choice import (
    SUITABLE_ALTERNATIVES,
    AlternativeOffered,
    AlternativePrompt,
    ChoiceError,
    ChoiceEvent,
    ChoiceOrderError,
    ChoiceRecord,
    Declined,
    DigitalPart,
    Reinstated,
    parts_declined_by_preferences,
)
from withcare.domain.care.choice import Alternative as AlternativeKind
from withcare.domain.care.modes import CareModePreference
from withcare.domain.consent import DataStream, Purpose
from withcare.domain.roles import Role
from withcare.insights.choice_report import PersonChoices, alternatives_offered, decline_rates
from withcare.insights.disclosure import ProtectedTable, protect_counts
from withcare.insights.equity import EquityComparison, EquityDimension
from withcare.security.authorisation import Actor, Permission, authorise
from withcare.services.errors import N_, InvalidInput
from withcare.services.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from withcare.services.platform import Platform

REPORT_DIMENSIONS = (
    EquityDimension.AGE_BAND,
    EquityDimension.ETHNICITY,
    EquityDimension.DEPRIVATION,
    EquityDimension.LANGUAGE,
    EquityDimension.DISABILITY,
)


@dataclass(frozen=True)
class ChoiceView:
    person_id: str
    preferences: tuple[CareModePreference, ...]
    preferences_recorded: bool
    declined: tuple[DigitalPart, ...]
    prompts: tuple[AlternativePrompt, ...]
    offers: tuple[AlternativeOffered, ...]


@dataclass(frozen=True)
class ChoiceReport:
    coverage: ProtectedTable[str]
    """People included (their consent allows it) and not included, disclosure-controlled."""
    declines: dict[str, dict[DigitalPart, EquityComparison]]
    alternatives: dict[DigitalPart, ProtectedTable[str]]


def age_band(born: date, today: date) -> str:
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < 18:
        return "under 18"
    for low, high in ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64)):
        if age <= high:
            return f"{low}-{high}"
    return "65 and over"


def attributes(person: Person, today: date) -> dict[str, str | None]:
    def stated(value: str | None) -> str | None:
        return None if value in (None, "", "not_stated") else value

    return {
        EquityDimension.AGE_BAND.value: age_band(person.date_of_birth, today),
        EquityDimension.ETHNICITY.value: stated(person.ethnicity),
        EquityDimension.DEPRIVATION.value: (
            f"quintile {person.deprivation_quintile}" if person.deprivation_quintile else None
        ),
        EquityDimension.LANGUAGE.value: stated(person.preferred_language),
        EquityDimension.DISABILITY.value: stated(person.disability),
    }


class ChoiceService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    # -- reading --------------------------------------------------------------------------------
    def record_of(self, uow: UnitOfWork, person_id: str) -> ChoiceRecord:
        events: list[ChoiceEvent] = []
        for row in uow.session.execute(
            select(ChoiceEventRow)
            .where(ChoiceEventRow.person_id == person_id)
            .order_by(ChoiceEventRow.at, ChoiceEventRow.id)
        ).scalars():
            part = DigitalPart(row.part)
            if row.kind == "declined":
                events.append(Declined(part, row.at, row.recorded_by))
            elif row.kind == "reinstated":
                events.append(Reinstated(part, row.at, row.recorded_by))
            else:
                events.append(
                    AlternativeOffered(
                        part,
                        AlternativeKind(row.alternative or "other"),
                        row.at,
                        row.recorded_by,
                        "(note kept encrypted)" if row.note_encrypted else "",
                        row.accepted,
                    )
                )
        return ChoiceRecord(tuple(events))

    def _preferences(
        self, uow: UnitOfWork, person_id: str
    ) -> tuple[CareModePreference, ...] | None:
        row = (
            uow.session.execute(
                select(CarePreferenceRow)
                .where(CarePreferenceRow.person_id == person_id)
                .order_by(CarePreferenceRow.at.desc(), CarePreferenceRow.id.desc())
            )
            .scalars()
            .first()
        )
        if row is None:
            return None
        return tuple(CareModePreference(m) for m in row.modes.split())

    def view(self, actor: Actor | None, person_id: str) -> ChoiceView:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_READ, person_id)
            view = self._view(uow, person_id)
            uow.audit.record(
                actor,
                "choice.read",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason="direct_care",
            )
            return view

    def _view(self, uow: UnitOfWork, person_id: str) -> ChoiceView:
        record = self.record_of(uow, person_id)
        preferences = self._preferences(uow, person_id)
        return ChoiceView(
            person_id=person_id,
            preferences=preferences or (),
            preferences_recorded=preferences is not None,
            declined=tuple(sorted(record.declined_parts())),
            prompts=record.open_prompts(),
            offers=record.offers(),
        )

    # -- the person's (or their clinician's) choices ----------------------------------------------
    def _authorise_choice(self, uow: UnitOfWork, person_id: str) -> None:
        actor = uow.actor
        if actor is not None and actor.role is Role.CLINICIAN:
            uow.authorise_person(Permission.PERSON_CARE_CHOICE, person_id)
        else:
            uow.authorise_person(Permission.PERSON_CONSENT_MANAGE, person_id)

    def set_preferences(
        self, actor: Actor | None, person_id: str, modes: list[str]
    ) -> tuple[AlternativePrompt, ...]:
        """Record how the person wants to be cared for; digital parts the choice declines are
        declined (each opens a prompt for the clinician). Returns the open prompts."""
        with self._platform.unit_of_work(actor) as uow:
            self._authorise_choice(uow, person_id)
            try:
                chosen = tuple(sorted({CareModePreference(m) for m in modes}))
            except ValueError:
                raise InvalidInput(
                    N_("Choose from the ways of being cared for on the page."),
                    {"modes": N_("unknown")},
                ) from None
            if not chosen:
                raise InvalidInput(
                    N_(
                        "Choose at least one way to be cared for (for example in person or by phone)."
                    ),
                    {"modes": N_("Choose at least one way to be cared for.")},
                )
            assert actor is not None
            now = uow.clock.now()
            uow.session.add(
                CarePreferenceRow(
                    person_id=person_id,
                    modes=" ".join(m.value for m in chosen),
                    at=now,
                    recorded_by=actor.user_id,
                )
            )
            record = self.record_of(uow, person_id)
            for part in sorted(parts_declined_by_preferences(chosen) - record.declined_parts()):
                try:
                    record, _ = record.decline(part, now, actor.user_id)
                except ChoiceError as error:
                    raise InvalidInput(_refusal_message(error)) from None
                self._add_event(uow, person_id, "declined", part, now, actor.user_id)
            uow.audit.record(
                actor,
                "choice.preferences",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason="direct_care",
                details={"modes": " ".join(m.value for m in chosen)},
            )
            return record.open_prompts()

    def decline(self, actor: Actor | None, person_id: str, part: str) -> AlternativePrompt:
        """Decline a digital part; never refused. Returns the prompt for the clinician."""
        with self._platform.unit_of_work(actor) as uow:
            self._authorise_choice(uow, person_id)
            digital = _part(part)
            assert actor is not None
            now = uow.clock.now()
            try:
                _, prompt = self.record_of(uow, person_id).decline(digital, now, actor.user_id)
            except ChoiceError as error:
                raise InvalidInput(_refusal_message(error)) from None
            self._add_event(uow, person_id, "declined", digital, now, actor.user_id)
            uow.audit.record(
                actor,
                "choice.decline",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason="direct_care",
                details={"part": digital.value},
            )
            return prompt

    def reinstate(self, actor: Actor | None, person_id: str, part: str) -> None:
        with self._platform.unit_of_work(actor) as uow:
            self._authorise_choice(uow, person_id)
            digital = _part(part)
            assert actor is not None
            now = uow.clock.now()
            try:
                self.record_of(uow, person_id).reinstate(digital, now, actor.user_id)
            except ChoiceError as error:
                raise InvalidInput(_refusal_message(error)) from None
            self._add_event(uow, person_id, "reinstated", digital, now, actor.user_id)
            uow.audit.record(
                actor,
                "choice.reinstate",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason="direct_care",
                details={"part": digital.value},
            )

    def record_offer(
        self,
        actor: Actor | None,
        person_id: str,
        part: str,
        alternative: str,
        note: str = "",
        accepted: bool | None = None,
    ) -> None:
        """The clinician records which non-digital alternative was offered; closes the prompt."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_CARE_CHOICE, person_id)
            digital = _part(part)
            try:
                kind = AlternativeKind(alternative)
            except ValueError:
                raise InvalidInput(
                    N_("Choose the alternative that was offered."),
                    {"alternative": N_("Choose one.")},
                ) from None
            assert actor is not None
            now = uow.clock.now()
            try:
                self.record_of(uow, person_id).record_offer(
                    digital, kind, now, actor.user_id, note, accepted
                )
            except ChoiceError as error:
                message = _refusal_message(error)
                raise InvalidInput(message, {"alternative": message}) from None
            row = self._add_event(
                uow, person_id, "offered", digital, now, actor.user_id, kind, accepted
            )
            if note.strip():
                uow.session.flush()
                row.note_encrypted = self._platform.crypto.encrypt(
                    uow, person_id, "choice_event", row.id, "note", note.strip()
                )
            uow.audit.record(
                actor,
                "choice.offer",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason="direct_care",
                details={"part": digital.value, "alternative": kind.value},
            )

    @staticmethod
    def _add_event(
        uow: UnitOfWork,
        person_id: str,
        kind: str,
        part: DigitalPart,
        at: object,
        by: str,
        alternative: AlternativeKind | None = None,
        accepted: bool | None = None,
    ) -> ChoiceEventRow:
        last = uow.session.execute(
            select(func.max(ChoiceEventRow.at)).where(ChoiceEventRow.person_id == person_id)
        ).scalar_one_or_none()
        if isinstance(at, datetime) and last is not None:
            last = last if last.tzinfo else last.replace(tzinfo=UTC)
            if last >= at:  # keep a strict order: events in one instant have no stable order
                at = last + timedelta(microseconds=1)
        row = ChoiceEventRow(
            person_id=person_id,
            kind=kind,
            part=part.value,
            alternative=alternative.value if alternative else None,
            accepted=accepted,
            at=at,
            recorded_by=by,
            note_encrypted="",
        )
        uow.session.add(row)
        return row

    # -- the manager's view ---------------------------------------------------------------------
    def report(self, actor: Actor | None) -> ChoiceReport:
        """Declines and alternatives by group, small numbers suppressed; only people whose
        consent allows service-improvement use of their care record, counted now."""
        authorise(actor, Permission.SERVICE_DASHBOARD)
        with self._platform.unit_of_work(actor) as uow:
            query = select(Person)
            if actor is not None and actor.service_id:
                query = query.where(Person.service_id == actor.service_id)
            people = list(uow.session.execute(query).scalars())
            allowed = self._platform.consent.people_allowed(
                uow,
                [p.id for p in people],
                Purpose.SERVICE_IMPROVEMENT,
                [DataStream.CARE_CONTACTS],
            )
            today = uow.clock.now().date()
            included = [
                PersonChoices(attributes(p, today), self.record_of(uow, p.id))
                for p in people
                if p.id in allowed
            ]
            for person_id in sorted(allowed):
                self._platform.consent.require_flow(
                    uow,
                    person_id,
                    Purpose.SERVICE_IMPROVEMENT,
                    DataStream.CARE_CONTACTS,
                    "Counted in the service's report of choices about digital care",
                )
            uow.audit.record(
                actor,
                "choice.report",
                subject_type="service",
                subject_id=actor.service_id or "" if actor else "",
                reason="service_improvement",
                details={"people": len(included)},
            )
            return ChoiceReport(
                coverage=protect_counts(
                    {"included": len(included), "not included": len(people) - len(included)}
                ),
                declines={
                    d.value: {part: decline_rates(included, d.value, part) for part in DigitalPart}
                    for d in REPORT_DIMENSIONS
                },
                alternatives=dict(alternatives_offered(included)),
            )


def _refusal_message(error: ChoiceError) -> str:
    """The catalogue message for a refused choice event (a clock problem asks to try again)."""
    if isinstance(error, ChoiceOrderError):
        return N_("This could not be saved. Reload the page and try again.")
    return error.message


def _part(value: str) -> DigitalPart:
    try:
        return DigitalPart(value)
    except ValueError:
        raise InvalidInput(
            N_("That is not a digital part of care."), {"part": N_("unknown")}
        ) from None


__all__ = ["SUITABLE_ALTERNATIVES", "ChoiceReport", "ChoiceService", "ChoiceView", "age_band"]
