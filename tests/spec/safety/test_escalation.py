"""The escalation state machine: the journeys issue 4 describes, and the refusals that keep them safe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from withcare.domain.care.modes import ContactMode
from withcare.domain.roles import Role
from withcare.domain.safety.actions import Action, Outcome
from withcare.domain.safety.contact_request import ContactRequest, TimeOfDay
from withcare.domain.safety.errors import GuardFailedError, InvalidTransitionError
from withcare.domain.safety.escalation import allowed_events, apply_event, raise_escalation
from withcare.domain.safety.escalation_model import (
    Actor,
    DeadlineKind,
    Escalation,
    EscalationKind,
    EscalationState,
    Event,
    EventKind,
    NotificationReason,
)
from withcare.domain.safety.escalation_policy import Level, Urgency, default_policy

POLICY = default_policy()
MONDAY_9 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
RULES = Actor.system("risk-rules")
NAMED = Actor.staff("clin-named", Role.CLINICIAN)
DUTY = Actor.staff("clin-duty", Role.CLINICIAN)
MANAGER = Actor.staff("mgr-1", Role.SERVICE_MANAGER)
PERSON = Actor.person("person-1")
RESEARCHER = Actor.staff("res-1", Role.RESEARCHER)


def raised(urgency: Urgency = Urgency.HIGH, at: datetime = MONDAY_9) -> Escalation:
    transition = raise_escalation(
        urgency=urgency,
        raised_by=RULES,
        at=at,
        policy=POLICY,
        assignee="clin-named",
        rule_ids=("phq9.item9.frequent",),
    )
    return transition.escalation


def after(escalation: Escalation, *events: Event) -> Escalation:
    for event in events:
        escalation = apply_event(escalation, event, POLICY).escalation
    return escalation


def test_high_risk_opens_for_the_named_clinician_with_a_one_hour_deadline() -> None:
    transition = raise_escalation(
        urgency=Urgency.HIGH, raised_by=RULES, at=MONDAY_9, policy=POLICY, assignee="clin-named"
    )
    escalation = transition.escalation
    assert escalation.state is EscalationState.OPEN
    assert escalation.level is Level.NAMED_CLINICIAN
    assert escalation.deadline == MONDAY_9 + timedelta(hours=1)
    assert escalation.deadline_kind is DeadlineKind.ACKNOWLEDGE
    assert escalation.kind is EscalationKind.RISK
    assert transition.notification is not None
    assert transition.notification.reason is NotificationReason.RAISED
    assert transition.notification.assignee == "clin-named"


def test_the_issue_journey_escalates_then_is_acknowledged_acted_on_and_closed() -> None:
    escalation = raised()
    passed = apply_event(escalation, Event.deadline_passed(MONDAY_9 + timedelta(hours=1)), POLICY)
    escalation = passed.escalation
    assert escalation.level is Level.DUTY_CLINICIAN
    assert escalation.state is EscalationState.OPEN
    assert escalation.assignee is None
    assert escalation.breaches == 1
    assert escalation.deadline == MONDAY_9 + timedelta(hours=1, minutes=30)
    assert passed.notification is not None
    assert passed.notification.reason is NotificationReason.ESCALATED
    assert passed.notification.level is Level.DUTY_CLINICIAN

    at = MONDAY_9 + timedelta(hours=1, minutes=10)
    escalation = after(
        escalation,
        Event.acknowledge(DUTY, at),
        Event.record_action(DUTY, at + timedelta(minutes=5), Action.CALLED_THE_PERSON),
        Event.close(DUTY, at + timedelta(minutes=20), Outcome.SAFE_WITH_PLAN_IN_PLACE),
    )
    assert escalation.state is EscalationState.CLOSED
    assert escalation.closed_by == DUTY
    assert escalation.outcome is Outcome.SAFE_WITH_PLAN_IN_PLACE
    assert escalation.deadline is None
    assert escalation.time_to_acknowledge == timedelta(hours=1, minutes=10)
    assert escalation.version == 5


def test_unacknowledged_work_climbs_to_the_service_manager_and_stays_there() -> None:
    escalation = raised()
    levels = []
    for _ in range(4):
        assert escalation.deadline is not None
        transition = apply_event(escalation, Event.deadline_passed(escalation.deadline), POLICY)
        escalation = transition.escalation
        assert transition.notification is not None
        levels.append((escalation.level, transition.notification.reason))
    assert levels == [
        (Level.DUTY_CLINICIAN, NotificationReason.ESCALATED),
        (Level.SERVICE_MANAGER, NotificationReason.ESCALATED),
        (Level.SERVICE_MANAGER, NotificationReason.STILL_UNACKNOWLEDGED),
        (Level.SERVICE_MANAGER, NotificationReason.STILL_UNACKNOWLEDGED),
    ]
    assert escalation.breaches == 4


def test_acknowledged_work_without_progress_also_escalates() -> None:
    escalation = after(raised(), Event.acknowledge(NAMED, MONDAY_9 + timedelta(minutes=5)))
    assert escalation.deadline_kind is DeadlineKind.FOLLOW_UP
    assert escalation.deadline is not None
    escalation = after(escalation, Event.deadline_passed(escalation.deadline))
    assert escalation.state is EscalationState.OPEN
    assert escalation.level is Level.DUTY_CLINICIAN


def test_a_stale_deadline_report_is_refused() -> None:
    """A worker that read the old deadline before someone acknowledged must not escalate."""
    escalation = after(raised(), Event.acknowledge(NAMED, MONDAY_9 + timedelta(minutes=59)))
    with pytest.raises(GuardFailedError, match="deadline reached"):
        apply_event(escalation, Event.deadline_passed(MONDAY_9 + timedelta(hours=1)), POLICY)


def test_events_older_than_the_last_change_are_refused() -> None:
    escalation = after(raised(), Event.acknowledge(NAMED, MONDAY_9 + timedelta(minutes=30)))
    with pytest.raises(GuardFailedError):
        apply_event(
            escalation,
            Event.record_action(NAMED, MONDAY_9 + timedelta(minutes=10), Action.CALLED_THE_PERSON),
            POLICY,
        )


@pytest.mark.parametrize("actor", [PERSON, RULES, RESEARCHER])
def test_only_clinicians_and_managers_acknowledge(actor: Actor) -> None:
    with pytest.raises(GuardFailedError, match="clinician or manager"):
        apply_event(raised(), Event.acknowledge(actor, MONDAY_9), POLICY)


@pytest.mark.parametrize("actor", [NAMED, MANAGER, PERSON])
def test_only_the_system_reports_missed_deadlines(actor: Actor) -> None:
    with pytest.raises(GuardFailedError, match="system only"):
        apply_event(raised(), Event.deadline_passed(MONDAY_9 + timedelta(hours=2), actor), POLICY)


def test_nothing_closes_without_acknowledgement_an_action_and_a_human() -> None:
    with pytest.raises(InvalidTransitionError):
        apply_event(raised(), Event.close(NAMED, MONDAY_9, Outcome.SAFE_WITH_PLAN_IN_PLACE), POLICY)
    acknowledged = after(raised(), Event.acknowledge(NAMED, MONDAY_9))
    with pytest.raises(GuardFailedError, match="acted before closing"):
        apply_event(
            acknowledged, Event.close(NAMED, MONDAY_9, Outcome.SAFE_WITH_PLAN_IN_PLACE), POLICY
        )
    with pytest.raises(GuardFailedError, match="clinician or manager"):
        apply_event(acknowledged, Event.close(RULES, MONDAY_9, Outcome.RAISED_IN_ERROR), POLICY)
    with pytest.raises(GuardFailedError, match="outcome given"):
        apply_event(acknowledged, Event(EventKind.CLOSE_WITH_OUTCOME, NAMED, MONDAY_9), POLICY)


def test_a_duplicate_can_close_without_an_action() -> None:
    acknowledged = after(raised(), Event.acknowledge(NAMED, MONDAY_9))
    closed = after(
        acknowledged, Event.close(NAMED, MONDAY_9, Outcome.DUPLICATE_OF_ANOTHER_ESCALATION)
    )
    assert closed.state is EscalationState.CLOSED


def test_closed_is_final() -> None:
    closed = after(
        raised(),
        Event.record_action(NAMED, MONDAY_9, Action.CALLED_THE_PERSON),
        Event.close(NAMED, MONDAY_9, Outcome.SAFE_WITH_PLAN_IN_PLACE),
    )
    assert allowed_events(EscalationState.CLOSED) == ()
    for event in (
        Event.acknowledge(NAMED, MONDAY_9),
        Event.close(NAMED, MONDAY_9, Outcome.SAFE_WITH_PLAN_IN_PLACE),
        Event.deadline_passed(MONDAY_9 + timedelta(days=9)),
    ):
        with pytest.raises(InvalidTransitionError, match="closed"):
            apply_event(closed, event, POLICY)


def test_recording_an_action_on_open_work_acknowledges_it() -> None:
    at = MONDAY_9 + timedelta(minutes=20)
    escalation = after(raised(), Event.record_action(DUTY, at, Action.CONTACTED_EMERGENCY_SERVICES))
    assert escalation.state is EscalationState.IN_PROGRESS
    assert escalation.acknowledged_by == DUTY
    assert escalation.assignee == "clin-duty"
    assert escalation.actions[0].action is Action.CONTACTED_EMERGENCY_SERVICES


def test_hand_over_needs_the_new_owner_to_acknowledge_and_never_buys_time() -> None:
    escalation = raised()
    at = MONDAY_9 + timedelta(minutes=50)
    transition = apply_event(escalation, Event.hand_over(NAMED, at, "clin-duty"), POLICY)
    handed = transition.escalation
    assert handed.state is EscalationState.OPEN
    assert handed.assignee == "clin-duty"
    assert handed.deadline == escalation.deadline  # not 50 minutes + 1 hour
    assert transition.notification is not None
    assert transition.notification.reason is NotificationReason.HANDED_OVER

    working = after(escalation, Event.acknowledge(NAMED, at))
    rehanded = after(working, Event.hand_over(NAMED, at, "clin-duty", Level.DUTY_CLINICIAN))
    assert rehanded.state is EscalationState.OPEN
    assert rehanded.level is Level.DUTY_CLINICIAN
    assert rehanded.deadline == at + timedelta(minutes=30)
    with pytest.raises(GuardFailedError, match="new owner"):
        apply_event(rehanded, Event.hand_over(DUTY, at, "clin-duty", Level.DUTY_CLINICIAN), POLICY)


def test_moderate_risk_on_friday_afternoon_is_due_monday_afternoon() -> None:
    friday = datetime(2026, 1, 9, 15, 0, tzinfo=UTC)
    assert raised(Urgency.MODERATE, friday).deadline == datetime(2026, 1, 12, 15, 0, tzinfo=UTC)


def test_contact_request_runs_through_the_same_machine_at_lower_urgency() -> None:
    request = ContactRequest((ContactMode.PHONE,), (TimeOfDay.EVENING,))
    transition = raise_escalation(
        urgency=Urgency.CONTACT_REQUEST,
        raised_by=PERSON,
        at=MONDAY_9,
        policy=POLICY,
        contact_request=request,
    )
    escalation = transition.escalation
    assert escalation.kind is EscalationKind.CONTACT_REQUEST
    assert escalation.deadline == datetime(2026, 1, 7, 9, 0, tzinfo=UTC)  # 2 working days
    assert escalation.inbox_key() > raised(Urgency.LOW).inbox_key()
    closed = after(
        escalation,
        Event.record_action(NAMED, MONDAY_9 + timedelta(hours=3), Action.CALLED_THE_PERSON),
        Event.close(NAMED, MONDAY_9 + timedelta(hours=3), Outcome.TALKED_WITH_THE_PERSON),
    )
    assert closed.state is EscalationState.CLOSED


def test_contact_requests_need_preferences_and_a_human() -> None:
    request = ContactRequest((ContactMode.VIDEO,))
    with pytest.raises(GuardFailedError):
        raise_escalation(
            urgency=Urgency.CONTACT_REQUEST, raised_by=PERSON, at=MONDAY_9, policy=POLICY
        )
    with pytest.raises(GuardFailedError):
        raise_escalation(
            urgency=Urgency.CONTACT_REQUEST,
            raised_by=RULES,
            at=MONDAY_9,
            policy=POLICY,
            contact_request=request,
        )
    with pytest.raises(GuardFailedError):
        raise_escalation(
            urgency=Urgency.HIGH,
            raised_by=PERSON,
            at=MONDAY_9,
            policy=POLICY,
            contact_request=request,
        )
    with pytest.raises(ValueError, match="human"):
        ContactRequest((ContactMode.DIGITAL_SELF_HELP,))
    with pytest.raises(ValueError, match="at least one"):
        ContactRequest(())


def test_inbox_puts_the_most_urgent_then_the_nearest_deadline_first() -> None:
    low = raised(Urgency.LOW)
    high_late = raised(Urgency.HIGH, MONDAY_9 + timedelta(minutes=30))
    high_early = raised(Urgency.HIGH)
    moderate = raised(Urgency.MODERATE)
    ordered = sorted([low, high_late, moderate, high_early], key=Escalation.inbox_key)
    assert ordered == [high_early, high_late, moderate, low]
