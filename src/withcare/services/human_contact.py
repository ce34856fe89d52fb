"""Human contact (P2) as a service: measures per person and service, the digital-only flag, the
named-clinician rule for open episodes, and discharge with explicit confirmation.

The digital-only interval defaults to six weeks; ``WITHCARE_DIGITAL_ONLY_DAYS`` changes it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from withcare.db.models import (
    CareTeam,
    Contact,
    DischargeConfirmationRow,
    Episode,
    Person,
    TeamMembership,
    User,
)
from withcare.domain.care.human_contact import (
    DEFAULT_DIGITAL_ONLY_INTERVAL,
    DischargeConfirmation,
    DischargeConfirmationRequired,
    HumanContactSummary,
    check_discharge,
    service_summary,
    summarise,
)
from withcare.domain.care.human_contact import Contact as DomainContact
from withcare.domain.care.modes import ContactMode, DischargeReason
from withcare.domain.roles import Role
from withcare.insights.disclosure import ProtectedTable, protect_counts
from withcare.security.authorisation import Actor, Permission, authorise
from withcare.services.errors import N_, InvalidInput
from withcare.services.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from withcare.services.platform import Platform


class NamedClinicianRequired(InvalidInput):
    """An open episode must always have a named clinician (P2)."""

    def __init__(self) -> None:
        super().__init__(
            N_("Every open episode needs a named clinician. Choose a clinician from the team."),
            {"named_clinician": N_("Choose the named clinician.")},
        )


def interval_from_environment() -> timedelta:
    days = os.environ.get("WITHCARE_DIGITAL_ONLY_DAYS", "")
    return (
        timedelta(days=int(days))
        if days.isdigit() and int(days) > 0
        else (DEFAULT_DIGITAL_ONLY_INTERVAL)
    )


def _start(episode: Episode) -> datetime:
    day = episode.start_date or episode.referral_date
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


@dataclass(frozen=True)
class FlaggedPerson:
    person_id: str
    name: str
    episode_id: str
    days_without_human_contact: int
    last_human_contact: datetime | None


@dataclass(frozen=True)
class ServiceHumanContactFigures:
    """For managers: counts disclosure-controlled, never a person."""

    people: ProtectedTable[str]  # "digital only" / "had human contact"
    never_had_human_contact: ProtectedTable[str]
    human_share: float | None
    median_days_since_human_contact: float | None
    interval_days: int
    open_episodes_without_named_clinician: ProtectedTable[str]


class HumanContactService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform
        self.interval = interval_from_environment()

    # -- measures -------------------------------------------------------------------------------
    def summary_for(
        self, uow: UnitOfWork, episode: Episode, at: datetime | None = None
    ) -> HumanContactSummary:
        contacts = [
            DomainContact(c.occurred_at, ContactMode(c.mode))
            for c in uow.session.execute(
                select(Contact).where(Contact.person_id == episode.person_id)
            ).scalars()
        ]
        return summarise(contacts, at or uow.clock.now(), _start(episode), self.interval)

    def _open_episode(self, uow: UnitOfWork, person_id: str) -> Episode | None:
        return (
            uow.session.execute(
                select(Episode)
                .where(Episode.person_id == person_id, Episode.end_date.is_(None))
                .order_by(Episode.referral_date.desc())
            )
            .scalars()
            .first()
        )

    def person(
        self, actor: Actor | None, person_id: str, *, audit: bool = True
    ) -> HumanContactSummary | None:
        """The measures for the person's open episode (None when no episode is open).

        ``audit=False`` only where the same request already audits reading the record.
        """
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_READ, person_id)
            episode = self._open_episode(uow, person_id)
            if not audit:
                return self.summary_for(uow, episode) if episode else None
            uow.audit.record(
                actor,
                "human_contact.read",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason="direct_care",
            )
            return self.summary_for(uow, episode) if episode else None

    def flagged_caseload(self, actor: Actor | None) -> list[FlaggedPerson]:
        """People in the clinician's teams whose care has been digital-only too long."""
        authorise(actor, Permission.CASELOAD_READ)
        assert actor is not None
        with self._platform.unit_of_work(actor) as uow:
            flagged = []
            rows = uow.session.execute(
                select(Episode, Person)
                .join(Person, Person.id == Episode.person_id)
                .where(Episode.team_id.in_(actor.team_ids), Episode.end_date.is_(None))
            ).all()
            for episode, person in rows:
                summary = self.summary_for(uow, episode)
                if summary.digital_only:
                    flagged.append(
                        FlaggedPerson(
                            person.id,
                            person.full_name,
                            episode.id,
                            (summary.as_of - summary.without_human_contact_since).days,
                            summary.last_human_contact,
                        )
                    )
                    uow.audit.record(
                        actor,
                        "person.list",
                        subject_type="person",
                        subject_id=person.id,
                        person_id=person.id,
                        reason="direct_care",
                        details={"list": "digital_only"},
                    )
            return sorted(flagged, key=lambda f: -f.days_without_human_contact)

    def service_figures(
        self, uow: UnitOfWork, service_id: str | None
    ) -> ServiceHumanContactFigures:
        """Service-level figures inside the caller's unit of work (the dashboard authorises)."""
        query = (
            select(Episode)
            .join(Person, Person.id == Episode.person_id)
            .where(Episode.end_date.is_(None))
        )
        if service_id:
            query = query.where(Person.service_id == service_id)
        episodes = list(uow.session.execute(query).scalars())
        summaries = [self.summary_for(uow, e) for e in episodes]
        overall = service_summary(summaries)
        return ServiceHumanContactFigures(
            people=protect_counts(
                {
                    "digital only": overall.digital_only,
                    "had human contact": overall.people - overall.digital_only,
                }
            ),
            never_had_human_contact=protect_counts(
                {
                    "never": overall.never_had_human_contact,
                    "at least once": overall.people - overall.never_had_human_contact,
                }
            ),
            human_share=float(overall.human_share) if overall.human_share is not None else None,
            median_days_since_human_contact=(
                overall.median_days_since_human_contact if overall.people >= 10 else None
            ),
            interval_days=self.interval.days,
            open_episodes_without_named_clinician=protect_counts(
                {
                    "without": sum(e.named_clinician_id is None for e in episodes),
                    "with": sum(e.named_clinician_id is not None for e in episodes),
                }
            ),
        )

    # -- the named-clinician rule ---------------------------------------------------------------
    def _check_clinician(self, uow: UnitOfWork, team_id: str, clinician_id: str | None) -> str:
        if not clinician_id:
            raise NamedClinicianRequired()
        user = uow.session.get(User, clinician_id)
        member = uow.session.execute(
            select(TeamMembership).where(
                TeamMembership.user_id == clinician_id, TeamMembership.team_id == team_id
            )
        ).first()
        if user is None or not user.is_active or user.role != Role.CLINICIAN.value or not member:
            raise NamedClinicianRequired()
        return clinician_id

    def open_episode(
        self,
        actor: Actor | None,
        person_id: str,
        *,
        team_id: str,
        named_clinician_id: str | None,
        referral_source: str,
        referral_date: date,
    ) -> str:
        """Open an episode; refused without a named clinician from the team."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_DISCHARGE, person_id)
            assert actor is not None
            if team_id not in actor.team_ids or uow.session.get(CareTeam, team_id) is None:
                raise InvalidInput(N_("You can open an episode only in one of your teams."))
            clinician = self._check_clinician(uow, team_id, named_clinician_id)
            episode = Episode(
                person_id=person_id,
                team_id=team_id,
                named_clinician_id=clinician,
                referral_source=referral_source,
                referral_date=referral_date,
                start_date=uow.clock.now().date(),
            )
            uow.session.add(episode)
            uow.session.flush()
            uow.audit.record(
                actor,
                "episode.open",
                subject_type="episode",
                subject_id=episode.id,
                person_id=person_id,
                reason="direct_care",
            )
            return episode.id

    def assign_named_clinician(
        self, actor: Actor | None, person_id: str, episode_id: str, clinician_id: str | None
    ) -> None:
        """Change the named clinician of an open episode; never to nobody."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_DISCHARGE, person_id)
            episode = self._episode(uow, person_id, episode_id)
            episode.named_clinician_id = self._check_clinician(uow, episode.team_id, clinician_id)
            uow.audit.record(
                actor,
                "episode.named_clinician",
                subject_type="episode",
                subject_id=episode.id,
                person_id=person_id,
                reason="direct_care",
            )

    def _episode(self, uow: UnitOfWork, person_id: str, episode_id: str) -> Episode:
        episode = uow.session.get(Episode, episode_id)
        actor = uow.actor
        if (
            episode is None
            or episode.person_id != person_id
            or episode.end_date is not None
            or actor is None
            or episode.team_id not in actor.team_ids
        ):
            raise InvalidInput(N_("This episode is not open in one of your teams."))
        return episode

    # -- discharge ------------------------------------------------------------------------------
    def discharge_check(
        self, actor: Actor | None, person_id: str, episode_id: str
    ) -> HumanContactSummary:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_DISCHARGE, person_id)
            return self.summary_for(uow, self._episode(uow, person_id, episode_id))

    def discharge(
        self,
        actor: Actor | None,
        person_id: str,
        episode_id: str,
        *,
        reason: str,
        confirm_digital_only: bool = False,
        confirmation_reason: str = "",
    ) -> None:
        """End the episode. After digital-only care, a clinician must confirm with a reason."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_DISCHARGE, person_id)
            try:
                discharge_reason = DischargeReason(reason)
            except ValueError:
                raise InvalidInput(
                    N_("Choose why the episode is ending."), {"reason": N_("Choose a reason.")}
                ) from None
            assert actor is not None
            episode = self._episode(uow, person_id, episode_id)
            summary = self.summary_for(uow, episode)
            now = uow.clock.now()
            confirmation = (
                DischargeConfirmation(actor.user_id, now, confirmation_reason)
                if confirm_digital_only
                else None
            )
            try:
                check_discharge(summary, confirmation)
            except DischargeConfirmationRequired as needed:
                raise InvalidInput(
                    needed.message,
                    {"confirmation_reason": N_("Confirm and give a reason to discharge.")},
                    params=needed.params,
                ) from None
            if summary.digital_only and confirmation is not None:
                row = DischargeConfirmationRow(
                    episode_id=episode.id,
                    person_id=person_id,
                    clinician_id=actor.user_id,
                    at=now,
                    reason_encrypted="",
                )
                uow.session.add(row)
                uow.session.flush()
                row.reason_encrypted = self._platform.crypto.encrypt(
                    uow,
                    person_id,
                    "discharge_confirmation",
                    row.id,
                    "reason",
                    confirmation.reason.strip(),
                )
            episode.end_date = now.date()
            episode.discharge_reason = discharge_reason.value
            uow.audit.record(
                actor,
                "episode.discharge",
                subject_type="episode",
                subject_id=episode.id,
                person_id=person_id,
                reason="direct_care",
                details={
                    "reason": discharge_reason.value,
                    "digital_only": summary.digital_only,
                    "confirmed": confirmation is not None,
                },
            )
