"""Care use cases: a clinician's caseload, a person's record, recording contacts, access history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from withcare.db.models import AuditEvent, CareTeam, Contact, Episode, Person
from withcare.domain.care.modes import ContactMode
from withcare.security.authorisation import (
    CARER_SCOPE_NAMES,
    CARER_SCOPES,
    AccessDenied,
    Actor,
    Permission,
    authorise,
)
from withcare.services.errors import N_, InvalidInput
from withcare.services.pagination import Page, PageRequest
from withcare.services.unit_of_work import access_reason

if TYPE_CHECKING:
    from withcare.services.platform import Platform

MAX_CONTACT_MINUTES = 24 * 60


@dataclass(frozen=True)
class CaseloadRow:
    person_id: str
    name: str
    team: str
    named_clinician: str
    episode_start: date | None
    last_contact: datetime | None


@dataclass(frozen=True)
class ActingFor:
    """A person a carer acts for, and the scopes that work for this carer right now."""

    person_id: str
    name: str
    scopes: tuple[str, ...]  # any of "view_measures", "view_record"


@dataclass(frozen=True)
class EpisodeView:
    id: str
    team: str
    named_clinician: str
    referral_source: str
    referral_date: date
    start_date: date | None
    end_date: date | None
    discharge_reason: str | None

    @property
    def is_open(self) -> bool:
        return self.end_date is None


@dataclass(frozen=True)
class ContactView:
    id: str
    occurred_at: datetime
    mode: str
    duration_minutes: int
    clinician: str

    @property
    def is_human(self) -> bool:
        return ContactMode(self.mode).is_human


@dataclass(frozen=True)
class PersonRecord:
    person_id: str
    given_name: str
    family_name: str
    date_of_birth: date
    preferred_language: str
    episodes: list[EpisodeView]
    contacts: list[ContactView]

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def open_episodes(self) -> list[EpisodeView]:
        return [e for e in self.episodes if e.is_open]


@dataclass(frozen=True)
class AccessEntry:
    at: datetime
    who: str
    role: str
    action: str
    reason: str


class CareService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    def caseload(self, actor: Actor | None, request: PageRequest) -> Page[CaseloadRow]:
        """People with an open episode in the clinician's teams, most recently referred first."""
        authorise(actor, Permission.CASELOAD_READ)
        assert actor is not None
        with self._platform.unit_of_work(actor) as uow:
            open_in_my_teams = (
                select(Episode, Person, CareTeam)
                .join(Person, Person.id == Episode.person_id)
                .join(CareTeam, CareTeam.id == Episode.team_id)
                .where(Episode.team_id.in_(actor.team_ids), Episode.end_date.is_(None))
            )
            total = uow.session.execute(
                select(func.count()).select_from(open_in_my_teams.subquery())
            ).scalar_one()
            rows = uow.session.execute(
                open_in_my_teams.order_by(Episode.referral_date.desc(), Person.family_name)
                .offset(request.offset)
                .limit(request.per_page)
            ).all()
            names = uow.user_names(episode.named_clinician_id for episode, _, _ in rows)
            last_contacts = dict(
                uow.session.execute(
                    select(Contact.person_id, func.max(Contact.occurred_at))
                    .where(Contact.person_id.in_({person.id for _, person, _ in rows}))
                    .group_by(Contact.person_id)
                ).all()
            )
            items = []
            for episode, person, team in rows:
                last = last_contacts.get(person.id)
                items.append(
                    CaseloadRow(
                        person_id=person.id,
                        name=person.full_name,
                        team=team.name,
                        named_clinician=names.get(episode.named_clinician_id or "", ""),
                        episode_start=episode.start_date,
                        last_contact=last,
                    )
                )
                uow.audit.record(
                    actor,
                    "person.list",
                    subject_type="person",
                    subject_id=person.id,
                    person_id=person.id,
                    reason="direct_care",
                )
            return Page(items, request.page, request.per_page, total)

    def person_record(self, actor: Actor | None, person_id: str) -> PersonRecord:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_READ, person_id)
            person = uow.session.get(Person, person_id)
            assert person is not None
            episode_rows = list(
                uow.session.execute(
                    select(Episode)
                    .where(Episode.person_id == person_id)
                    .order_by(Episode.referral_date.desc())
                ).scalars()
            )
            contact_rows = list(
                uow.session.execute(
                    select(Contact)
                    .where(Contact.person_id == person_id)
                    .order_by(Contact.occurred_at.desc())
                    .limit(50)
                ).scalars()
            )
            names = uow.user_names(
                [e.named_clinician_id for e in episode_rows]
                + [c.clinician_id for c in contact_rows]
            )
            teams = dict(uow.session.execute(select(CareTeam.id, CareTeam.name)).all())
            episodes = [
                EpisodeView(
                    id=e.id,
                    team=teams.get(e.team_id, ""),
                    named_clinician=names.get(e.named_clinician_id or "", ""),
                    referral_source=e.referral_source,
                    referral_date=e.referral_date,
                    start_date=e.start_date,
                    end_date=e.end_date,
                    discharge_reason=e.discharge_reason,
                )
                for e in episode_rows
            ]
            contacts = [
                ContactView(
                    id=c.id,
                    occurred_at=c.occurred_at,
                    mode=c.mode,
                    duration_minutes=c.duration_minutes,
                    clinician=names.get(c.clinician_id or "", ""),
                )
                for c in contact_rows
            ]
            uow.audit.record(
                actor,
                "person.read",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason=access_reason(actor, person_id),
            )
            return PersonRecord(
                person_id=person.id,
                given_name=person.given_name,
                family_name=person.family_name,
                date_of_birth=person.date_of_birth,
                preferred_language=person.preferred_language,
                episodes=episodes,
                contacts=contacts,
            )

    def record_contact(
        self,
        actor: Actor | None,
        person_id: str,
        *,
        occurred_at: datetime,
        mode: str,
        duration_minutes: int,
    ) -> ContactView:
        problems: dict[str, str] = {}
        try:
            contact_mode = ContactMode(mode)
        except ValueError:
            problems["mode"] = N_("Choose one of: %(modes)s.")
        if not 0 <= duration_minutes <= MAX_CONTACT_MINUTES:
            problems["duration_minutes"] = N_("Enter a duration from 0 to %(max_minutes)d.")
        if occurred_at.tzinfo is None:
            problems["occurred_at"] = N_("Give the time with its time zone.")
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_CONTACTS_WRITE, person_id)
            assert actor is not None
            if occurred_at.tzinfo is not None and occurred_at > uow.clock.now():
                problems["occurred_at"] = N_("A contact cannot be recorded in the future.")
            if problems:
                raise InvalidInput(
                    N_("The contact could not be recorded."),
                    problems,
                    params={
                        "modes": ", ".join(m.value for m in ContactMode),
                        "max_minutes": MAX_CONTACT_MINUTES,
                    },
                )
            episode = (
                uow.session.execute(
                    select(Episode)
                    .where(
                        Episode.person_id == person_id,
                        Episode.end_date.is_(None),
                        Episode.team_id.in_(actor.team_ids),
                    )
                    .order_by(Episode.referral_date.desc())
                )
                .scalars()
                .first()
            )
            if episode is None:
                raise InvalidInput(
                    N_(
                        "This person has no open episode with your team, so a contact cannot be "
                        "recorded. Open an episode first."
                    )
                )
            contact = Contact(
                person_id=person_id,
                episode_id=episode.id,
                clinician_id=actor.user_id,
                occurred_at=occurred_at,
                mode=contact_mode.value,
                duration_minutes=duration_minutes,
                recorded_by_id=actor.user_id,
                recorded_at=uow.clock.now(),
            )
            uow.session.add(contact)
            uow.session.flush()
            uow.audit.record(
                actor,
                "contact.create",
                subject_type="contact",
                subject_id=contact.id,
                person_id=person_id,
                reason="direct_care",
                details={"mode": contact_mode.value},
            )
            return ContactView(
                contact.id, occurred_at, contact_mode.value, duration_minutes, actor.display_name
            )

    def people_i_act_for(self, actor: Actor | None) -> list[ActingFor]:
        """Everyone this carer may act for now, with what they may see, for their home page.

        A person who shared only their questionnaires is listed too (with only that to open): the
        list goes by every scope a carer can hold, each checked live like any other request.
        """
        authorise(actor, Permission.AUTHENTICATED)
        assert actor is not None
        with self._platform.unit_of_work(actor) as uow:
            found = []
            for person_id in sorted(actor.proxy_scopes):
                scopes: set[str] = set()
                for permission, scope in CARER_SCOPES.items():
                    if scope in scopes or scope not in CARER_SCOPE_NAMES:
                        continue
                    try:
                        uow.authorise_person(permission, person_id)
                    except AccessDenied:
                        continue
                    scopes.add(scope)
                person = uow.session.get(Person, person_id) if scopes else None
                if person is None:
                    continue
                found.append(ActingFor(person_id, person.full_name, tuple(sorted(scopes))))
                uow.audit.record(
                    actor,
                    "person.list",
                    subject_type="person",
                    subject_id=person_id,
                    person_id=person_id,
                    reason="proxy_access",
                )
            return found

    def access_history(
        self, actor: Actor | None, person_id: str, request: PageRequest
    ) -> Page[AccessEntry]:
        """Who read or changed this person's record, newest first: for the person themself."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_AUDIT_READ, person_id)
            about = select(AuditEvent).where(AuditEvent.person_id == person_id)
            total = uow.session.execute(
                select(func.count()).select_from(about.subquery())
            ).scalar_one()
            rows = list(
                uow.session.execute(
                    about.order_by(AuditEvent.seq.desc())
                    .offset(request.offset)
                    .limit(request.per_page)
                ).scalars()
            )
            names = uow.user_names(row.actor_id for row in rows)
            items = [
                AccessEntry(
                    at=row.at,
                    who=names.get(row.actor_id, "Withcare system"),
                    role=row.actor_role,
                    action=row.action,
                    reason=row.reason,
                )
                for row in rows
            ]
            uow.audit.record(
                actor,
                "audit.read",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason="self_access",
                details={"page": request.page},
            )
            return Page(items, request.page, request.per_page, total)
