"""Random event sequences against the escalation machine: whatever happens, nothing is lost.

Hypothesis throws arbitrary events (by anyone, at any time, valid or not) at an escalation. Every
event either applies and leaves a safe state, or raises; it never silently does nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from withcare.domain.care.modes import ContactMode
from withcare.domain.roles import Role
from withcare.domain.safety.actions import Action, Outcome
from withcare.domain.safety.contact_request import ContactRequest
from withcare.domain.safety.errors import InvalidTransitionError
from withcare.domain.safety.escalation import TRANSITIONS, apply_event, raise_escalation
from withcare.domain.safety.escalation_model import (
    Actor,
    ActorKind,
    Escalation,
    EscalationState,
    Event,
    EventKind,
    Transition,
)
from withcare.domain.safety.escalation_policy import Level, Urgency, default_policy

POLICY = default_policy()
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ROWS = {(row.source, row.event): row.target for row in TRANSITIONS}

actors = st.sampled_from(
    [
        Actor.system("deadline-worker"),
        Actor.person("person-1"),
        Actor.staff("clin-a", Role.CLINICIAN),
        Actor.staff("clin-b", Role.CLINICIAN),
        Actor.staff("mgr", Role.SERVICE_MANAGER),
        Actor.staff("admin", Role.ADMIN),
        Actor.staff("res", Role.RESEARCHER),
    ]
)
steps = st.tuples(
    st.sampled_from([kind for kind in EventKind if kind is not EventKind.RAISE]),
    actors,
    st.integers(min_value=0, max_value=4 * 24 * 60),  # minutes to advance
    st.booleans(),  # jump straight to the current deadline instead
    st.none() | st.sampled_from(Action),
    st.none() | st.sampled_from(Outcome),
    st.none() | st.sampled_from(["clin-a", "clin-b", "clin-c"]),
    st.none() | st.sampled_from(Level),
)


def check_invariants(esc: Escalation, now: datetime) -> None:
    if esc.state is EscalationState.CLOSED:
        assert esc.deadline is None
        assert esc.closed_by is not None and esc.closed_by.is_human
        assert esc.closed_by.kind is ActorKind.STAFF
        assert esc.outcome is not None
        assert esc.actions or not esc.outcome.requires_action
    else:
        assert esc.deadline is not None, "an open escalation always has a deadline"
        assert esc.deadline_kind is not None
        assert esc.level in Level, "and an owner level"
    if esc.state in (EscalationState.ACKNOWLEDGED, EscalationState.IN_PROGRESS):
        assert esc.acknowledged_by is not None and esc.acknowledged_by.may_handle_escalations
    if esc.state is EscalationState.IN_PROGRESS:
        assert esc.actions
    assert all(recorded.actor.may_handle_escalations for recorded in esc.actions)


def raise_for(urgency: Urgency) -> Transition:
    if urgency is Urgency.CONTACT_REQUEST:
        return raise_escalation(
            urgency=urgency,
            raised_by=Actor.person("person-1"),
            at=START,
            policy=POLICY,
            contact_request=ContactRequest((ContactMode.PHONE,)),
        )
    return raise_escalation(urgency=urgency, raised_by=Actor.system(), at=START, policy=POLICY)


@settings(max_examples=300, deadline=None)
@given(urgency=st.sampled_from(Urgency), sequence=st.lists(steps, max_size=25))
def test_random_event_sequences_never_reach_an_unsafe_state(
    urgency: Urgency, sequence: list[tuple[object, ...]]
) -> None:
    esc = raise_for(urgency)
    esc_now = esc.escalation
    now = START
    check_invariants(esc_now, now)
    for kind, actor, minutes, to_deadline, action, outcome, assignee, level in sequence:
        assert isinstance(kind, EventKind) and isinstance(actor, Actor)
        assert isinstance(minutes, int)
        if to_deadline and esc_now.deadline is not None:
            now = max(now, esc_now.deadline)
        else:
            now = now + timedelta(minutes=minutes)
        event = Event(
            kind,
            actor,
            now,
            action=action,  # type: ignore[arg-type]
            outcome=outcome,  # type: ignore[arg-type]
            to_assignee=assignee,  # type: ignore[arg-type]
            to_level=level,  # type: ignore[arg-type]
        )
        try:
            transition = apply_event(esc_now, event, POLICY)
        except InvalidTransitionError:
            continue  # refused loudly; the stored escalation is unchanged
        after = transition.escalation
        assert (esc_now.state, kind) in ROWS, "only table rows ever apply"
        assert after.state is ROWS[(esc_now.state, kind)]
        assert after.version == esc_now.version + 1
        if kind is EventKind.DEADLINE_PASSED:
            assert not actor.is_human
            assert list(Level).index(after.level) >= list(Level).index(esc_now.level)
            assert transition.notification is not None
        else:
            assert actor.may_handle_escalations
        if kind is EventKind.HAND_OVER and esc_now.state is EscalationState.OPEN:
            assert after.deadline is not None and esc_now.deadline is not None
            assert after.deadline <= esc_now.deadline, "handing over never buys time"
        elif after.deadline is not None:
            assert after.deadline > now, "a fresh deadline lies in the future"
        esc_now = after
        check_invariants(esc_now, now)


@settings(max_examples=100, deadline=None)
@given(urgency=st.sampled_from(Urgency))
def test_a_worker_alone_eventually_reaches_the_service_manager(urgency: Urgency) -> None:
    current = raise_for(urgency).escalation
    for _ in range(len(Level) - 1):
        assert current.deadline is not None
        current = apply_event(current, Event.deadline_passed(current.deadline), POLICY).escalation
    assert current.level is Level.SERVICE_MANAGER
    assert current.state is EscalationState.OPEN
