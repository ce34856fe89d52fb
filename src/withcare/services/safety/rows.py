"""Conversions between the safety tables' rows and the domain's and callers' values."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from withcare.db.models import ContactRequestRow, EscalationRow, RiskSignalRow, User
from withcare.domain.care.modes import ContactMode
from withcare.domain.roles import Role
from withcare.domain.safety import (
    Action,
    ContactRequest,
    Escalation,
    EscalationKind,
    EscalationState,
    Level,
    Outcome,
    TimeOfDay,
    Urgency,
)
from withcare.domain.safety import Actor as SafetyActor
from withcare.domain.safety.escalation_model import ActorKind, DeadlineKind, RecordedAction
from withcare.services.safety.views import ContactRequestView, SignalView

if TYPE_CHECKING:
    from withcare.services.unit_of_work import UnitOfWork


class _LostRace(Exception):
    """Another writer changed the escalation first: roll back and move on."""


def _active(uow: UnitOfWork, user_ids: Any) -> list[str]:
    return sorted(
        set(
            uow.session.execute(
                select(User.id).where(User.id.in_(user_ids), User.is_active.is_(True))
            ).scalars()
        )
    )


def _mutable_columns(esc: Escalation) -> dict[str, Any]:
    return {
        "kind": esc.kind.value,
        "urgency": esc.urgency.value,
        "state": esc.state.value,
        "level": esc.level.value,
        "assignee_id": esc.assignee,
        "deadline": esc.deadline,
        "deadline_kind": esc.deadline_kind.value if esc.deadline_kind else None,
        "updated_at": esc.updated_at,
        "version": esc.version,
        "acknowledged_at": esc.acknowledged_at,
        "acknowledged_by_id": esc.acknowledged_by.id if esc.acknowledged_by else None,
        "acknowledged_by_role": (
            esc.acknowledged_by.role.value
            if esc.acknowledged_by and esc.acknowledged_by.role
            else None
        ),
        "actions": json.dumps(
            [
                {
                    "action": a.action.value,
                    "actor_kind": a.actor.kind.value,
                    "actor_id": a.actor.id,
                    "actor_role": a.actor.role.value if a.actor.role else None,
                    "at": a.at.isoformat(),
                }
                for a in esc.actions
            ]
        ),
        "breaches": esc.breaches,
        "outcome": esc.outcome.value if esc.outcome else None,
        "closed_at": esc.closed_at,
        "closed_by_id": esc.closed_by.id if esc.closed_by else None,
        "closed_by_role": esc.closed_by.role.value
        if esc.closed_by and esc.closed_by.role
        else None,
    }


def _actor(kind: str | None, actor_id: str | None, role: str | None) -> SafetyActor | None:
    if kind is None or actor_id is None:
        return None
    return SafetyActor(ActorKind(kind), actor_id, Role(role) if role else None)


def _staff(actor_id: str | None, role: str | None) -> SafetyActor | None:
    if actor_id is None:
        return None
    kind = ActorKind.PERSON if role == Role.PERSON_IN_CARE.value else ActorKind.STAFF
    return SafetyActor(kind, actor_id, Role(role) if role else None)


def _to_domain(uow: UnitOfWork, row: EscalationRow) -> Escalation:
    from datetime import datetime as _dt

    contact: ContactRequest | None = None
    if row.kind == EscalationKind.CONTACT_REQUEST.value:
        found = uow.session.execute(
            select(ContactRequestRow).where(ContactRequestRow.escalation_id == row.id)
        ).scalar_one_or_none()
        if found is not None:
            contact = ContactRequest(
                tuple(ContactMode(m) for m in found.preferred_modes.split()),
                tuple(TimeOfDay(t) for t in found.preferred_times.split()),
            )
    raised_by = _actor(row.raised_by_kind, row.raised_by_id, row.raised_by_role)
    assert raised_by is not None
    actions = tuple(
        RecordedAction(
            Action(a["action"]),
            SafetyActor(
                ActorKind(a["actor_kind"]),
                a["actor_id"],
                Role(a["actor_role"]) if a["actor_role"] else None,
            ),
            _dt.fromisoformat(a["at"]),
        )
        for a in json.loads(row.actions or "[]")
    )
    return Escalation(
        kind=EscalationKind(row.kind),
        urgency=Urgency(row.urgency),
        state=EscalationState(row.state),
        level=Level(row.level),
        assignee=row.assignee_id,
        deadline=row.deadline,
        deadline_kind=DeadlineKind(row.deadline_kind) if row.deadline_kind else None,
        raised_at=row.raised_at,
        raised_by=raised_by,
        updated_at=row.updated_at,
        version=row.version,
        policy_version=row.policy_version,
        rule_ids=tuple(row.rule_ids.split()),
        contact_request=contact,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=_staff(row.acknowledged_by_id, row.acknowledged_by_role),
        actions=actions,
        breaches=row.breaches,
        outcome=Outcome(row.outcome) if row.outcome else None,
        closed_at=row.closed_at,
        closed_by=_staff(row.closed_by_id, row.closed_by_role),
    )


def _signal_view(row: RiskSignalRow) -> SignalView:
    return SignalView(
        row.rule_id, row.severity, row.source, row.explanation, row.raised_at, row.escalation_id
    )


def _contact_view(row: ContactRequestRow) -> ContactRequestView:
    return ContactRequestView(
        row.id,
        row.escalation_id,
        tuple(row.preferred_modes.split()),
        tuple(row.preferred_times.split()),
        row.status,
        row.response_target,
        row.created_at,
    )
