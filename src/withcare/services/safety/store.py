"""Storing escalation transitions, queueing their notifications and reading them back."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from withcare.db.models import (
    CareTeam,
    ContactRequestRow,
    Episode,
    EscalationEventRow,
    EscalationRow,
    NotificationRow,
    Person,
    TeamMembership,
    User,
)
from withcare.db.types import new_id
from withcare.domain.roles import Role
from withcare.domain.safety import EscalationKind, EscalationPolicy, Level, Notification, Transition
from withcare.services.safety.constants import CHANNELS, NOBODY, PENDING, UNDELIVERABLE
from withcare.services.safety.rows import _active, _LostRace, _mutable_columns
from withcare.services.safety.views import EscalationView

if TYPE_CHECKING:
    from withcare.services.platform import Platform
    from withcare.services.unit_of_work import UnitOfWork


class EscalationStore:
    """Raises, stores and reads escalations; every part of the safety service builds on it."""

    _platform: Platform
    policy: EscalationPolicy

    def _starting_owner(self, uow: UnitOfWork, person_id: str) -> tuple[Level, str | None]:
        """The named clinician of the person's open episode; the duty level if there is none."""
        named = uow.session.execute(
            select(Episode.named_clinician_id)
            .where(
                Episode.person_id == person_id,
                Episode.end_date.is_(None),
                Episode.named_clinician_id.is_not(None),
            )
            .order_by(Episode.referral_date.desc())
            .limit(1)
        ).scalar_one_or_none()
        if named:
            return Level.NAMED_CLINICIAN, named
        return Level.DUTY_CLINICIAN, None

    # ---------------------------------------------------------------- storing transitions

    def _insert(
        self,
        uow: UnitOfWork,
        person: Person,
        source: str,
        source_id: str,
        transition: Transition,
    ) -> str:
        esc = transition.escalation
        row = EscalationRow(
            id=new_id(),
            person_id=person.id,
            service_id=person.service_id,
            source=source,
            source_id=source_id,
            raised_at=esc.raised_at,
            raised_by_kind=esc.raised_by.kind.value,
            raised_by_id=esc.raised_by.id,
            raised_by_role=esc.raised_by.role.value if esc.raised_by.role else None,
            policy_version=esc.policy_version,
            rule_ids=" ".join(esc.rule_ids),
            **_mutable_columns(esc),
        )
        uow.session.add(row)
        uow.session.flush()
        self._record_transition(uow, row, transition)
        uow.audit.record(
            uow.actor,
            "escalation.raise",
            subject_type="escalation",
            subject_id=row.id,
            person_id=person.id,
            reason="safety",
            details={"urgency": esc.urgency.value, "level": esc.level.value, "source": source},
        )
        return row.id

    def _store(self, uow: UnitOfWork, row: EscalationRow, transition: Transition) -> None:
        """Write the new state only if nobody changed it since we read it."""
        old_version = transition.escalation.version - 1
        result = uow.session.execute(
            update(EscalationRow)
            .where(EscalationRow.id == row.id, EscalationRow.version == old_version)
            .values(**_mutable_columns(transition.escalation))
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            raise _LostRace()
        uow.session.expire(row)
        if transition.escalation.kind is EscalationKind.CONTACT_REQUEST:
            uow.session.execute(
                update(ContactRequestRow)
                .where(ContactRequestRow.escalation_id == row.id)
                .values(status=transition.escalation.state.value)
                .execution_options(synchronize_session=False)
            )
        self._record_transition(uow, row, transition)

    def _record_transition(
        self, uow: UnitOfWork, row: EscalationRow, transition: Transition
    ) -> None:
        esc, event = transition.escalation, transition.event
        uow.session.add(
            EscalationEventRow(
                escalation_id=row.id,
                sequence=esc.version,
                kind=event.kind.value,
                actor_kind=event.actor.kind.value,
                actor_id=event.actor.id,
                actor_role=event.actor.role.value if event.actor.role else None,
                at=event.at,
                action=event.action.value if event.action else None,
                outcome=event.outcome.value if event.outcome else None,
                to_assignee_id=event.to_assignee,
                from_state=transition.from_state.value if transition.from_state else None,
                to_state=esc.state.value,
                from_level=transition.from_level.value if transition.from_level else None,
                to_level=esc.level.value,
                deadline_after=esc.deadline,
            )
        )
        if transition.notification is not None:
            self._enqueue(uow, row, transition.notification)
        uow.session.flush()

    def _enqueue(self, uow: UnitOfWork, row: EscalationRow, note: Notification) -> None:
        now = uow.clock.now()
        recipients = self._recipients(uow, row, note.level, note.assignee)
        for recipient in recipients or [NOBODY]:
            for channel in CHANNELS:
                uow.session.add(
                    NotificationRow(
                        escalation_id=row.id,
                        sequence=note.sequence,
                        channel=channel,
                        recipient_id=recipient,
                        level=note.level.value,
                        reason=note.reason.value,
                        urgency=note.urgency.value,
                        overdue_since=note.overdue_since,
                        status=PENDING if recipient != NOBODY else UNDELIVERABLE,
                        attempts=0,
                        next_attempt_at=now,
                        last_error=None if recipient != NOBODY else "nobody to notify",
                        created_at=now,
                    )
                )

    def _recipients(
        self, uow: UnitOfWork, row: EscalationRow, level: Level, assignee: str | None
    ) -> list[str]:
        """Who must be told at ``level``; falls through to the next level rather than nobody."""
        if assignee:
            return [assignee]
        person_teams = select(Episode.team_id).where(
            Episode.person_id == row.person_id, Episode.end_date.is_(None)
        )
        if level is Level.NAMED_CLINICIAN:
            named = uow.session.execute(
                select(Episode.named_clinician_id).where(
                    Episode.person_id == row.person_id,
                    Episode.end_date.is_(None),
                    Episode.named_clinician_id.is_not(None),
                )
            ).scalars()
            found = sorted({n for n in named if n})
            return found or self._recipients(uow, row, Level.DUTY_CLINICIAN, None)
        if level is Level.DUTY_CLINICIAN:
            duty = _active(
                uow,
                select(TeamMembership.user_id).where(
                    TeamMembership.is_duty_clinician.is_(True),
                    TeamMembership.team_id.in_(person_teams),
                ),
            )
            if not duty:
                duty = _active(
                    uow,
                    select(TeamMembership.user_id)
                    .join(CareTeam, CareTeam.id == TeamMembership.team_id)
                    .where(
                        TeamMembership.is_duty_clinician.is_(True),
                        CareTeam.service_id == row.service_id,
                    ),
                )
            return duty or self._recipients(uow, row, Level.SERVICE_MANAGER, None)
        return _active(
            uow,
            select(User.id).where(
                User.role == Role.SERVICE_MANAGER.value, User.service_id == row.service_id
            ),
        )

    def _view(self, uow: UnitOfWork, row: EscalationRow) -> EscalationView:
        return self._views(uow, [row])[0]

    def _views(self, uow: UnitOfWork, rows: Iterable[EscalationRow]) -> list[EscalationView]:
        """Views of many escalations, in order, with names read in two statements for all of
        them (lists of escalations must not cost a query per row)."""
        rows = list(rows)
        people = {r.person_id for r in rows}
        names: dict[str, str] = {}
        if people:
            found = uow.session.execute(select(Person).where(Person.id.in_(people))).scalars()
            names = {person.id: person.full_name for person in found}
        assignees = uow.user_names(r.assignee_id for r in rows if r.assignee_id)
        return [_escalation_view(uow, r, names.get(r.person_id, ""), assignees) for r in rows]


def _escalation_view(
    uow: UnitOfWork, row: EscalationRow, person_name: str, assignees: Mapping[str, str]
) -> EscalationView:
    actions = tuple(a["action"] for a in json.loads(row.actions or "[]"))
    now = uow.clock.now()
    return EscalationView(
        id=row.id,
        person_id=row.person_id,
        person_name=person_name,
        kind=row.kind,
        source=row.source,
        urgency=row.urgency,
        state=row.state,
        level=row.level,
        assignee_id=row.assignee_id,
        assignee=assignees.get(row.assignee_id, "") if row.assignee_id else "",
        deadline=row.deadline,
        deadline_kind=row.deadline_kind,
        raised_at=row.raised_at,
        acknowledged_at=row.acknowledged_at,
        breaches=row.breaches,
        outcome=row.outcome,
        closed_at=row.closed_at,
        version=row.version,
        rule_ids=tuple(row.rule_ids.split()),
        actions=actions,
        overdue=row.deadline is not None and now >= row.deadline,
    )
