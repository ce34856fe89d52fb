"""What the deadline worker applies, and the figures managers see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from withcare.domain.roles import Role
from withcare.domain.safety.actions import Action, Outcome
from withcare.domain.safety.escalation import apply_event, overdue_event, raise_escalation
from withcare.domain.safety.escalation_model import Actor, Escalation, Event
from withcare.domain.safety.escalation_policy import Level, Urgency, default_policy
from withcare.domain.safety.oversight import summarise

POLICY = default_policy()
T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
CLIN = Actor.staff("clin", Role.CLINICIAN)


def new(urgency: Urgency = Urgency.HIGH, at: datetime = T0) -> Escalation:
    return raise_escalation(
        urgency=urgency, raised_by=Actor.system(), at=at, policy=POLICY
    ).escalation


def test_worker_event_only_when_due_and_open() -> None:
    escalation = new()
    assert overdue_event(escalation, T0 + timedelta(minutes=59)) is None
    event = overdue_event(escalation, T0 + timedelta(hours=1))
    assert event is not None
    assert not event.actor.is_human


def test_after_an_outage_one_level_per_pass_and_the_lateness_is_reported() -> None:
    escalation = new()
    late = T0 + timedelta(hours=3)
    event = overdue_event(escalation, late)
    assert event is not None
    transition = apply_event(escalation, event, POLICY)
    assert transition.escalation.level is Level.DUTY_CLINICIAN
    assert transition.escalation.deadline == late + timedelta(minutes=30)
    assert transition.notification is not None
    assert transition.notification.overdue_since == T0 + timedelta(hours=1)


def test_closed_escalations_are_never_due() -> None:
    closed = new()
    for event in (
        Event.record_action(CLIN, T0, Action.CALLED_THE_PERSON),
        Event.close(CLIN, T0, Outcome.SAFE_WITH_PLAN_IN_PLACE),
    ):
        closed = apply_event(closed, event, POLICY).escalation
    assert overdue_event(closed, T0 + timedelta(days=30)) is None


def test_summary_counts_time_to_acknowledge_breaches_and_outcomes() -> None:
    quick = apply_event(
        new(), Event.acknowledge(CLIN, T0 + timedelta(minutes=10)), POLICY
    ).escalation
    slow = new()
    slow = apply_event(slow, Event.deadline_passed(T0 + timedelta(hours=1)), POLICY).escalation
    slow = apply_event(
        slow, Event.acknowledge(CLIN, T0 + timedelta(hours=1, minutes=20)), POLICY
    ).escalation
    done = apply_event(
        quick,
        Event.record_action(CLIN, T0 + timedelta(minutes=20), Action.CALLED_THE_PERSON),
        POLICY,
    ).escalation
    done = apply_event(
        done, Event.close(CLIN, T0 + timedelta(minutes=30), Outcome.SAFE_WITH_PLAN_IN_PLACE), POLICY
    ).escalation
    waiting = new(Urgency.MODERATE)
    summary = summarise([done, slow, waiting], now=T0 + timedelta(days=2))
    assert summary.total == 3
    assert summary.open == 2
    assert (
        summary.overdue_now == 2
    )  # slow's follow-up (1 working day) and waiting's acknowledgement
    assert summary.with_missed_deadline == 1
    assert summary.missed_deadlines == 1
    assert summary.by_outcome == {Outcome.SAFE_WITH_PLAN_IN_PLACE: 1}
    assert summary.open_by_urgency == {Urgency.HIGH: 1, Urgency.MODERATE: 1}
    assert summary.median_time_to_acknowledge == {Urgency.HIGH: timedelta(minutes=45)}
    assert summary.unacknowledged_open == 1
