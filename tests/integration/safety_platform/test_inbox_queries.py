"""The escalation inbox sends the same number of SQL statements however many escalations it
lists (no query per row), and still lists exactly what the access rule allows, with the same
names and the same audit records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from withcare.db.models import AuditEvent, EscalationRow, Person, User
from withcare.domain.safety import EscalationState, Level, Urgency
from withcare.security.authorisation import AccessDenied, Actor
from withcare_testing.statements import statements_sent
from withcare_testing.world import World

from .test_escalations import actor

OPEN, ACKNOWLEDGED, IN_PROGRESS, CLOSED = (
    EscalationState.OPEN,
    EscalationState.ACKNOWLEDGED,
    EscalationState.IN_PROGRESS,
    EscalationState.CLOSED,
)

# (whose, level, assignee, urgency, state). The first two already need every lookup the inbox
# makes for each account (a listed escalation with an assignee to name; for a clinician, one that
# only the duty rota could open), and cover the same people as all six, so the audit records (one
# per person listed) are the same in number: six can only cost more if something is read per row.
ESCALATIONS = [
    ("person", Level.DUTY_CLINICIAN, "duty", Urgency.HIGH, OPEN),
    ("other_person", Level.DUTY_CLINICIAN, "clinician_b", Urgency.HIGH, OPEN),
    ("person", Level.DUTY_CLINICIAN, None, Urgency.MODERATE, OPEN),
    ("other_person", Level.NAMED_CLINICIAN, "clinician_b", Urgency.LOW, ACKNOWLEDGED),
    ("other_person", Level.SERVICE_MANAGER, "manager", Urgency.HIGH, IN_PROGRESS),
    ("person", Level.NAMED_CLINICIAN, "duty", Urgency.LOW, CLOSED),
]

# which of ESCALATIONS each account may handle (the care team, the named owner, the duty rota
# once past the named clinician, and the service's managers)
MAY_HANDLE = {
    "clinician": {0, 2, 5},  # person's team (A); not on duty
    "duty": {0, 1, 2, 4, 5},  # team A and on duty: other_person's work past the named level
    "clinician_b": {1, 3, 4},  # other_person's team (B)
    "manager": {0, 1, 2, 3, 4, 5},
    "outsider": set(),
}


def add_escalations(
    world: World, specs: list[tuple[str, Level, str | None, Urgency, str]]
) -> list[str]:
    """Escalation rows as the safety service stores them, one a spec, in the person's service."""
    platform = world.platform
    now = platform.clock.now()
    ids = []
    with platform.unit_of_work(None) as uow:
        for n, (whose, level, assignee, urgency, state) in enumerate(specs):
            person_id = world.person_id if whose == "person" else world.other_person_id
            person = uow.session.get(Person, person_id)
            assert person is not None
            closed = state == CLOSED
            row = EscalationRow(
                person_id=person_id,
                service_id=person.service_id,
                kind="risk",
                source="help_now",
                source_id=f"s{len(ids)}-{n}",
                urgency=urgency.value,
                state=state,
                level=level.value,
                assignee_id=world[assignee].user_id if assignee else None,
                deadline=None if closed else now + timedelta(minutes=30 + n),
                deadline_kind=None if closed else "acknowledge",
                raised_at=now - timedelta(minutes=n),
                raised_by_kind="person",
                raised_by_id=person_id,
                raised_by_role="person_in_care",
                updated_at=now,
                version=1,
                policy_version="test",
                rule_ids="help_now",
                closed_at=now if closed else None,
                outcome="safe_with_plan_in_place" if closed else None,
            )
            uow.session.add(row)
            uow.session.flush()
            ids.append(row.id)
    return ids


def list_inbox(world: World, who: Actor, include_closed: bool) -> tuple[int, list[str], list[str]]:
    """Statements sent, escalation ids listed and the people whose listing was audited."""
    platform = world.platform
    with platform.database.transaction() as session:
        last = session.execute(select(func.max(AuditEvent.seq))).scalar_one()
    with statements_sent(platform.database.engine) as sent:
        views = platform.safety.inbox(who, include_closed=include_closed)
    with platform.database.transaction() as session:
        audited = list(
            session.execute(
                select(AuditEvent.subject_id)
                .where(AuditEvent.seq > last, AuditEvent.action == "escalation.list")
                .order_by(AuditEvent.seq)
            ).scalars()
        )
        people = {p.id: p.full_name for p in session.execute(select(Person)).scalars()}
        names = {u.id: u.display_name for u in session.execute(select(User)).scalars()}
        assert audited == sorted({v.person_id for v in views})  # each person listed, once
        for view in views:
            assert view.person_name == people[view.person_id]
            assert view.assignee == (names[view.assignee_id] if view.assignee_id else "")
        return len(sent), [v.id for v in views], audited


@pytest.mark.parametrize("who", sorted(MAY_HANDLE))
def test_the_inbox_sends_as_many_statements_for_6_escalations_as_for_2(
    sworld: World, who: str
) -> None:
    staff = actor(sworld, who)
    ids = add_escalations(sworld, ESCALATIONS[:2])
    few = {closed: list_inbox(sworld, staff, closed) for closed in (False, True)}
    ids += add_escalations(sworld, ESCALATIONS[2:])
    many = {closed: list_inbox(sworld, staff, closed) for closed in (False, True)}
    for closed in (False, True):
        expected = {ids[i] for i in MAY_HANDLE[who] if closed or ESCALATIONS[i][4] != CLOSED}
        assert sorted(few[closed][1]) == sorted(expected & set(ids[:2]))
        assert sorted(many[closed][1]) == sorted(expected)
        assert many[closed][2] == few[closed][2]
        assert many[closed][0] == few[closed][0], (who, closed, few[closed][0], many[closed][0])
    # one escalation at a time (its page, acting on it) follows the same rule
    for i, escalation_id in enumerate(ids):
        if i in MAY_HANDLE[who]:
            assert (
                sworld.platform.safety.detail(staff, escalation_id).escalation.id == escalation_id
            )
        else:
            with pytest.raises(AccessDenied):
                sworld.platform.safety.detail(staff, escalation_id)


def _statements(world: World, read: Callable[[], object]) -> int:
    with statements_sent(world.platform.database.engine) as sent:
        read()
    return len(sent)


def _breach_every_open_escalation(world: World) -> None:
    with world.platform.unit_of_work(None) as uow:
        for row in uow.session.execute(select(EscalationRow)).scalars():
            row.breaches = 0 if row.state == CLOSED else 1


def test_a_person_s_safety_panel_and_the_oversight_report_read_names_once(sworld: World) -> None:
    """The other lists of escalations (a person's open ones, the manager's breached ones) name
    people and assignees with the same two statements however many rows they show."""
    safety = sworld.platform.safety
    clinician, manager = actor(sworld, "clinician"), actor(sworld, "manager")
    add_escalations(sworld, ESCALATIONS[:1])
    _breach_every_open_escalation(sworld)
    few = (
        _statements(sworld, lambda: safety.person_safety(clinician, sworld.person_id)),
        _statements(sworld, lambda: safety.oversight(manager)),
    )
    add_escalations(sworld, [ESCALATIONS[0], ESCALATIONS[2], ESCALATIONS[2]])
    _breach_every_open_escalation(sworld)
    panel = safety.person_safety(clinician, sworld.person_id)
    assert len(panel.open_escalations) == 4
    assert {v.assignee for v in panel.open_escalations} == {"Duty Clinician", ""}
    assert len(safety.oversight(manager).breached_open) == 4
    many = (
        _statements(sworld, lambda: safety.person_safety(clinician, sworld.person_id)),
        _statements(sworld, lambda: safety.oversight(manager)),
    )
    assert many == few
