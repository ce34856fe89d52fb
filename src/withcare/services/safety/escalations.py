"""The clinician workflow: acting on escalations, the inbox, details and a person's safety."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from withcare.db.models import (
    CareTeam,
    ContactRequestRow,
    Episode,
    EscalationEventRow,
    EscalationRow,
    NotificationRow,
    RiskSignalRow,
    TeamMembership,
    User,
)
from withcare.domain.roles import Role
from withcare.domain.safety import (
    Action,
    EscalationState,
    Event,
    EventKind,
    GuardFailedError,
    InvalidTransitionError,
    Level,
    Outcome,
    Urgency,
    allowed_events,
    apply_event,
)
from withcare.domain.safety import Actor as SafetyActor
from withcare.security.authorisation import AccessDenied, Actor, Permission, authorise
from withcare.services.errors import N_, Conflict, InvalidInput
from withcare.services.safety.constants import RECENT_SIGNALS
from withcare.services.safety.rows import _contact_view, _LostRace, _signal_view, _to_domain
from withcare.services.safety.store import EscalationStore
from withcare.services.safety.views import (
    EscalationDetail,
    EscalationView,
    EventView,
    NotificationView,
    PersonSafety,
    StaffChoice,
)

if TYPE_CHECKING:
    from withcare.services.unit_of_work import UnitOfWork


class ClinicianWorkflow(EscalationStore):
    # ------------------------------------------------------------------ clinician workflow

    def act(
        self,
        actor: Actor | None,
        escalation_id: str,
        kind: str,
        *,
        action: str | None = None,
        outcome: str | None = None,
        to_assignee: str | None = None,
        expected_version: int | None = None,
    ) -> EscalationView:
        """Acknowledge, record an action, hand over or close (``kind`` is an ``EventKind``)."""
        authorise(actor, Permission.ESCALATIONS_HANDLE)
        assert actor is not None
        try:
            event_kind = EventKind(kind)
        except ValueError:
            raise InvalidInput(N_("Choose what to do.")) from None
        with self._platform.unit_of_work(actor) as uow:
            row = self._row_for(uow, actor, escalation_id)
            if expected_version is not None and expected_version != row.version:
                raise Conflict(
                    N_(
                        "Someone else changed this escalation while you were looking at it. "
                        "Check what changed, then try again."
                    )
                )
            who = SafetyActor.staff(actor.user_id, actor.role)
            now = uow.clock.now()
            event = self._event(uow, row, who, now, event_kind, action, outcome, to_assignee)
            try:
                transition = apply_event(_to_domain(uow, row), event, self.policy)
            except GuardFailedError as error:
                raise _guard_refusal(event_kind, str(error)) from None
            except InvalidTransitionError:
                raise _transition_refusal(EscalationState(row.state)) from None
            try:
                self._store(uow, row, transition)
            except _LostRace:
                raise Conflict(
                    N_(
                        "Someone else changed this escalation at the same moment. "
                        "Check what changed, then try again."
                    )
                ) from None
            uow.audit.record(
                actor,
                f"escalation.{event_kind.value}",
                subject_type="escalation",
                subject_id=row.id,
                person_id=row.person_id,
                reason="safety",
                details={
                    "action": action,
                    "outcome": outcome,
                    "to": to_assignee,
                    "version": transition.escalation.version,
                },
            )
            uow.session.refresh(row)
            return self._view(uow, row)

    def _event(
        self,
        uow: UnitOfWork,
        row: EscalationRow,
        who: SafetyActor,
        now: datetime,
        kind: EventKind,
        action: str | None,
        outcome: str | None,
        to_assignee: str | None,
    ) -> Event:
        if kind is EventKind.ACKNOWLEDGE:
            return Event.acknowledge(who, now)
        if kind is EventKind.RECORD_ACTION:
            try:
                return Event.record_action(who, now, Action(action or ""))
            except ValueError:
                raise InvalidInput(
                    N_("Choose the action you took."),
                    {"action": N_("Choose an action from the list.")},
                ) from None
        if kind is EventKind.CLOSE_WITH_OUTCOME:
            try:
                return Event.close(who, now, Outcome(outcome or ""))
            except ValueError:
                raise InvalidInput(
                    N_("Choose the outcome."), {"outcome": N_("Choose an outcome from the list.")}
                ) from None
        if kind is EventKind.HAND_OVER:
            target = uow.session.get(User, to_assignee) if to_assignee else None
            if target is None or not target.is_active:
                raise InvalidInput(
                    N_("Choose who to hand over to."), {"to": N_("Choose someone from the list.")}
                )
            candidates = {c.user_id for c in self._hand_over_candidates(uow, row)}
            if target.id not in candidates:
                raise InvalidInput(
                    N_("Choose who to hand over to."),
                    {"to": N_("They cannot take this on: choose someone from the list.")},
                )
            to_level = Level.SERVICE_MANAGER if target.role == Role.SERVICE_MANAGER.value else None
            return Event.hand_over(who, now, target.id, to_level)
        raise InvalidInput(N_("Only the deadline worker reports a missed deadline."))

    def _hand_over_candidates(self, uow: UnitOfWork, row: EscalationRow) -> list[StaffChoice]:
        """Clinicians in the person's teams, duty clinicians and managers of the service."""
        person_teams = select(Episode.team_id).where(Episode.person_id == row.person_id)
        team_clinicians = select(TeamMembership.user_id).where(
            or_(
                TeamMembership.team_id.in_(person_teams),
                TeamMembership.is_duty_clinician.is_(True),
            )
        )
        users = uow.session.execute(
            select(User)
            .where(
                User.is_active.is_(True),
                User.service_id == row.service_id,
                or_(
                    User.id.in_(team_clinicians),
                    User.role == Role.SERVICE_MANAGER.value,
                ),
            )
            .order_by(User.display_name)
        ).scalars()
        return [
            StaffChoice(u.id, u.display_name, u.role)
            for u in users
            if u.role in (Role.CLINICIAN.value, Role.SERVICE_MANAGER.value)
        ]

    def _may_handle(
        self,
        uow: UnitOfWork,
        actor: Actor,
        row: EscalationRow,
        facts: _HandlingFacts | None = None,
    ) -> bool:
        """Care team, named owner, the duty rota (once escalated) or the service's managers.

        ``facts`` are the lookups read once for many rows (the inbox); without them they are
        read for this row alone."""
        if actor.role is Role.SERVICE_MANAGER:
            return actor.service_id == row.service_id
        if actor.role is not Role.CLINICIAN:
            return False
        if row.assignee_id == actor.user_id:
            return True
        if facts is None:
            facts = _HandlingFacts(uow, actor, [row])
        if actor.team_ids & facts.person_teams(row.person_id):
            return True
        if row.level != Level.NAMED_CLINICIAN.value:
            return facts.on_duty(row.service_id)
        return False

    def _row_for(self, uow: UnitOfWork, actor: Actor, escalation_id: str) -> EscalationRow:
        row = uow.session.get(EscalationRow, escalation_id)
        if row is None or not self._may_handle(uow, actor, row):
            raise AccessDenied("You do not have access to this escalation.")
        return row

    def inbox(self, actor: Actor | None, include_closed: bool = False) -> list[EscalationView]:
        """Open escalations this clinician or manager may act on: most urgent, nearest deadline."""
        authorise(actor, Permission.ESCALATIONS_HANDLE)
        assert actor is not None
        with self._platform.unit_of_work(actor) as uow:
            query = select(EscalationRow).where(EscalationRow.service_id == actor.service_id)
            if not include_closed:
                query = query.where(EscalationRow.state != EscalationState.CLOSED.value)
            found = list(uow.session.execute(query).scalars())
            facts = _HandlingFacts(uow, actor, found)
            rows = [r for r in found if self._may_handle(uow, actor, r, facts)]
            views = self._views(uow, rows)
            views.sort(
                key=lambda v: (
                    not v.is_open,
                    -Urgency(v.urgency).rank,
                    v.deadline or v.closed_at or v.raised_at,
                )
            )
            for person_id in sorted({v.person_id for v in views}):
                uow.audit.record(
                    actor,
                    "escalation.list",
                    subject_type="person",
                    subject_id=person_id,
                    person_id=person_id,
                    reason="safety",
                )
            return views

    def detail(self, actor: Actor | None, escalation_id: str) -> EscalationDetail:
        authorise(actor, Permission.ESCALATIONS_HANDLE)
        assert actor is not None
        with self._platform.unit_of_work(actor) as uow:
            row = self._row_for(uow, actor, escalation_id)
            rows = list(
                uow.session.execute(
                    select(EscalationEventRow)
                    .where(EscalationEventRow.escalation_id == row.id)
                    .order_by(EscalationEventRow.sequence)
                ).scalars()
            )
            names = uow.user_names(e.actor_id for e in rows if e.actor_kind == "staff")
            events = [
                EventView(
                    e.sequence,
                    e.kind,
                    names.get(e.actor_id, e.actor_id) if e.actor_kind == "staff" else e.actor_id,
                    e.actor_role,
                    e.at,
                    e.action,
                    e.outcome,
                    e.to_state,
                    e.to_level,
                )
                for e in rows
            ]
            signals = [
                _signal_view(s)
                for s in uow.session.execute(
                    select(RiskSignalRow)
                    .where(RiskSignalRow.escalation_id == row.id)
                    .order_by(RiskSignalRow.raised_at)
                ).scalars()
            ]
            notes = [
                NotificationView(
                    n.id,
                    n.sequence,
                    n.channel,
                    names.get(n.recipient_id, n.recipient_id),
                    n.reason,
                    n.status,
                    n.attempts,
                    n.next_attempt_at,
                    n.delivered_at,
                    n.last_error,
                )
                for n in uow.session.execute(
                    select(NotificationRow)
                    .where(NotificationRow.escalation_id == row.id)
                    .order_by(NotificationRow.sequence, NotificationRow.channel)
                ).scalars()
            ]
            contact = uow.session.execute(
                select(ContactRequestRow).where(ContactRequestRow.escalation_id == row.id)
            ).scalar_one_or_none()
            uow.audit.record(
                actor,
                "escalation.read",
                subject_type="escalation",
                subject_id=row.id,
                person_id=row.person_id,
                reason="safety",
            )
            allowed = tuple(
                k.value
                for k in allowed_events(EscalationState(row.state))
                if k is not EventKind.DEADLINE_PASSED
            )
            candidates = [
                c for c in self._hand_over_candidates(uow, row) if c.user_id != row.assignee_id
            ]
            return EscalationDetail(
                self._view(uow, row),
                events,
                signals,
                notes,
                allowed,
                candidates,
                _contact_view(contact) if contact else None,
            )

    def person_safety(self, actor: Actor | None, person_id: str) -> PersonSafety:
        """The person's open escalations, recent risk flags and "talk to a person" requests."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_SAFETY_READ, person_id)
            since = uow.clock.now() - RECENT_SIGNALS
            rows = uow.session.execute(
                select(EscalationRow).where(
                    EscalationRow.person_id == person_id,
                    EscalationRow.state != EscalationState.CLOSED.value,
                )
            ).scalars()
            open_views = sorted(
                self._views(uow, rows),
                key=lambda v: (-Urgency(v.urgency).rank, v.deadline or v.raised_at),
            )
            signals = [
                _signal_view(s)
                for s in uow.session.execute(
                    select(RiskSignalRow)
                    .where(RiskSignalRow.person_id == person_id, RiskSignalRow.raised_at >= since)
                    .order_by(RiskSignalRow.raised_at.desc())
                    .limit(50)
                ).scalars()
            ]
            requests = [
                _contact_view(r)
                for r in uow.session.execute(
                    select(ContactRequestRow)
                    .where(ContactRequestRow.person_id == person_id)
                    .order_by(ContactRequestRow.created_at.desc())
                    .limit(20)
                ).scalars()
            ]
            uow.audit.record(
                uow.actor,
                "safety.read",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason="direct_care",
            )
            return PersonSafety(person_id, open_views, signals, requests)


class _HandlingFacts:
    """What ``_may_handle`` needs beyond the escalation rows, read once for all of them: the
    teams of the rows' people (as ``uow.person_context`` reads them) and the services where the
    actor is on the duty rota. Each is read on first use only, in one statement."""

    def __init__(self, uow: UnitOfWork, actor: Actor, rows: Sequence[EscalationRow]) -> None:
        self._uow, self._actor = uow, actor
        self._people = {r.person_id for r in rows}
        self._teams: dict[str, frozenset[str]] | None = None
        self._duty_services: frozenset[str] | None = None

    def person_teams(self, person_id: str) -> frozenset[str]:
        if self._teams is None:
            contexts = self._uow.person_contexts(self._people)
            self._teams = {p: context.team_ids for p, context in contexts.items()}
        return self._teams[person_id]

    def on_duty(self, service_id: str) -> bool:
        if self._duty_services is None:
            self._duty_services = frozenset(
                self._uow.session.execute(
                    select(CareTeam.service_id)
                    .join(TeamMembership, TeamMembership.team_id == CareTeam.id)
                    .where(
                        TeamMembership.user_id == self._actor.user_id,
                        TeamMembership.is_duty_clinician.is_(True),
                    )
                    .distinct()
                ).scalars()
            )
        return service_id in self._duty_services


def _transition_refusal(state: EscalationState) -> Conflict:
    """Why a step does not apply where the escalation now is, in words a clinician can act on
    (the state machine's own reason is for developers and stays out of pages)."""
    if state is EscalationState.CLOSED:
        return Conflict(
            N_(
                "This escalation is closed, so it cannot be changed. If the person needs help "
                "again, a new one is opened."
            )
        )
    if state is EscalationState.OPEN:
        return Conflict(N_("Acknowledge this escalation first: nobody has taken it on yet."))
    return Conflict(
        N_(
            "That cannot be done at this stage of the escalation. Reload the page to see where "
            "it stands."
        )
    )


def _guard_refusal(kind: EventKind, detail: str) -> InvalidInput:
    if kind is EventKind.CLOSE_WITH_OUTCOME and "acted before closing" in detail:
        return InvalidInput(
            N_(
                "Record at least one action before closing "
                "(unless it was a duplicate or raised in error)."
            )
        )
    if kind is EventKind.HAND_OVER:
        return InvalidInput(N_("Choose someone else to hand over to."))
    return InvalidInput(N_("This cannot be done: %(reason)s"), params={"reason": detail})
