"""The escalation state machine, written as a transition table.

``TRANSITIONS`` is the single source of truth: :func:`apply_event` looks the event up there, checks
the row's guards and runs the row's effect, and ``docs/safety/escalation-states.md`` is generated
from it. An event with no row raises :class:`InvalidTransitionError`; a row whose guard refuses
raises :class:`GuardFailedError`. Nothing is ever silently ignored.

Promises the table keeps (checked by Hypothesis in tests/generative/safety):
- an escalation that is not closed always has an owner level and a deadline; every fresh deadline
  lies in the future, and handing over open work never moves its deadline later;
- a missed deadline moves it up a level (named clinician -> duty clinician -> service manager)
  and back to "open", so someone new must acknowledge it;
- only a clinician or service manager acknowledges, acts, hands over or closes; the system only
  raises and reports missed deadlines; nothing closes without a human and an outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from withcare.domain.safety.contact_request import ContactRequest
from withcare.domain.safety.errors import GuardFailedError, InvalidTransitionError
from withcare.domain.safety.escalation_model import (
    Actor,
    DeadlineKind,
    Escalation,
    EscalationKind,
    EscalationState,
    Event,
    EventKind,
    Notification,
    NotificationReason,
    RecordedAction,
    Transition,
)
from withcare.domain.safety.escalation_policy import EscalationPolicy, Level, Urgency

OPEN, ACKNOWLEDGED, IN_PROGRESS, CLOSED = (
    EscalationState.OPEN,
    EscalationState.ACKNOWLEDGED,
    EscalationState.IN_PROGRESS,
    EscalationState.CLOSED,
)


@dataclass(frozen=True, slots=True)
class Guard:
    name: str
    description: str
    check: Callable[[Escalation, Event], bool]


_Outcome = tuple[Escalation, NotificationReason | None]
Effect = Callable[[Escalation, Event, EscalationPolicy], _Outcome]


@dataclass(frozen=True, slots=True)
class Row:
    source: EscalationState
    event: EventKind
    target: EscalationState
    guards: tuple[Guard, ...]
    effect: Effect
    summary: str


# ------------------------------------------------------------------------------------- guards

HANDLER = Guard(
    "clinician or manager",
    "the actor is a clinician or service manager",
    lambda _, event: event.actor.may_handle_escalations,
)
SYSTEM = Guard(
    "system only",
    "reported by the system (the deadline worker), never by a person",
    lambda _, event: not event.actor.is_human,
)
DEADLINE_REACHED = Guard(
    "deadline reached",
    "the event time is at or after the current deadline",
    lambda esc, event: esc.deadline is not None and event.at >= esc.deadline,
)
ACTION_GIVEN = Guard(
    "action given", "an action from the vocabulary", lambda _, event: event.action is not None
)
OUTCOME_GIVEN = Guard(
    "outcome given", "an outcome from the vocabulary", lambda _, event: event.outcome is not None
)
ACTED_BEFORE_CLOSING = Guard(
    "acted before closing",
    "at least one action recorded, unless the outcome is 'duplicate' or 'raised in error'",
    lambda esc, event: (
        event.outcome is not None and (bool(esc.actions) or not event.outcome.requires_action)
    ),
)
NEW_OWNER = Guard(
    "new owner",
    "names someone to hand over to, different from the current owner",
    lambda esc, event: (
        bool(event.to_assignee)
        and (event.to_assignee, event.to_level or esc.level) != (esc.assignee, esc.level)
    ),
)


# ------------------------------------------------------------------------------------ effects


def _acknowledge(esc: Escalation, event: Event, policy: EscalationPolicy) -> _Outcome:
    return replace(
        _taken_on(esc, event),
        state=ACKNOWLEDGED,
        deadline=policy.follow_up_by(esc.urgency, event.at),
        deadline_kind=DeadlineKind.FOLLOW_UP,
    ), None


def _record_action(esc: Escalation, event: Event, policy: EscalationPolicy) -> _Outcome:
    if event.action is None:  # ACTION_GIVEN guards this; kept for type narrowing under -O
        raise GuardFailedError("record_action needs an action")
    taken = _taken_on(esc, event) if esc.state is OPEN else esc
    return replace(
        taken,
        state=IN_PROGRESS,
        actions=(*esc.actions, RecordedAction(event.action, event.actor, event.at)),
        deadline=policy.follow_up_by(esc.urgency, event.at),
        deadline_kind=DeadlineKind.FOLLOW_UP,
    ), None


def _hand_over(esc: Escalation, event: Event, policy: EscalationPolicy) -> _Outcome:
    level = event.to_level or esc.level
    deadline = policy.acknowledge_by(esc.urgency, level, event.at)
    if esc.state is OPEN and esc.deadline is not None:
        deadline = min(deadline, esc.deadline)  # handing over never buys time
    return replace(
        esc,
        state=OPEN,
        level=level,
        assignee=event.to_assignee,
        deadline=deadline,
        deadline_kind=DeadlineKind.ACKNOWLEDGE,
    ), NotificationReason.HANDED_OVER


def _close(esc: Escalation, event: Event, policy: EscalationPolicy) -> _Outcome:
    return replace(
        esc,
        state=CLOSED,
        outcome=event.outcome,
        closed_at=event.at,
        closed_by=event.actor,
        deadline=None,
        deadline_kind=None,
    ), None


def _deadline_passed(esc: Escalation, event: Event, policy: EscalationPolicy) -> _Outcome:
    level = esc.level.next
    reason = (
        NotificationReason.ESCALATED
        if level is not esc.level
        else NotificationReason.STILL_UNACKNOWLEDGED
    )
    return replace(
        esc,
        state=OPEN,
        level=level,
        assignee=None,
        breaches=esc.breaches + 1,
        deadline=policy.acknowledge_by(esc.urgency, level, event.at),
        deadline_kind=DeadlineKind.ACKNOWLEDGE,
    ), reason


def _taken_on(esc: Escalation, event: Event) -> Escalation:
    """The actor becomes the owner; the first acknowledgement is kept for oversight."""
    return replace(
        esc,
        assignee=event.actor.id,
        acknowledged_at=esc.acknowledged_at or event.at,
        acknowledged_by=esc.acknowledged_by or event.actor,
    )


# -------------------------------------------------------------------------------------- table

_CLOSE = (HANDLER, OUTCOME_GIVEN, ACTED_BEFORE_CLOSING)
_ESCALATE = (SYSTEM, DEADLINE_REACHED)
_ACT = (HANDLER, ACTION_GIVEN)
_HAND = (HANDLER, NEW_OWNER)
_ACK_SUMMARY = "owner set to the actor; follow-up deadline set"
_ACT_SUMMARY = "action recorded (acknowledges if needed); follow-up deadline renewed"
_HAND_SUMMARY = "new owner must acknowledge; deadline never extended while open; notify"
_UP_SUMMARY = "breach counted; next level (top stays); new acknowledge deadline; notify"

TRANSITIONS: tuple[Row, ...] = (
    Row(OPEN, EventKind.ACKNOWLEDGE, ACKNOWLEDGED, (HANDLER,), _acknowledge, _ACK_SUMMARY),
    Row(OPEN, EventKind.RECORD_ACTION, IN_PROGRESS, _ACT, _record_action, _ACT_SUMMARY),
    Row(OPEN, EventKind.HAND_OVER, OPEN, _HAND, _hand_over, _HAND_SUMMARY),
    Row(OPEN, EventKind.DEADLINE_PASSED, OPEN, _ESCALATE, _deadline_passed, _UP_SUMMARY),
    Row(ACKNOWLEDGED, EventKind.RECORD_ACTION, IN_PROGRESS, _ACT, _record_action, _ACT_SUMMARY),
    Row(ACKNOWLEDGED, EventKind.HAND_OVER, OPEN, _HAND, _hand_over, _HAND_SUMMARY),
    Row(ACKNOWLEDGED, EventKind.CLOSE_WITH_OUTCOME, CLOSED, _CLOSE, _close, "closed by a human"),
    Row(ACKNOWLEDGED, EventKind.DEADLINE_PASSED, OPEN, _ESCALATE, _deadline_passed, _UP_SUMMARY),
    Row(IN_PROGRESS, EventKind.RECORD_ACTION, IN_PROGRESS, _ACT, _record_action, _ACT_SUMMARY),
    Row(IN_PROGRESS, EventKind.HAND_OVER, OPEN, _HAND, _hand_over, _HAND_SUMMARY),
    Row(IN_PROGRESS, EventKind.CLOSE_WITH_OUTCOME, CLOSED, _CLOSE, _close, "closed by a human"),
    Row(IN_PROGRESS, EventKind.DEADLINE_PASSED, OPEN, _ESCALATE, _deadline_passed, _UP_SUMMARY),
)

_BY_KEY = {(row.source, row.event): row for row in TRANSITIONS}
RAISE_SUMMARY = "opened for the starting level (normally the named clinician); notify"


def raise_escalation(
    *,
    urgency: Urgency,
    raised_by: Actor,
    at: datetime,
    policy: EscalationPolicy,
    level: Level = Level.NAMED_CLINICIAN,
    assignee: str | None = None,
    rule_ids: tuple[str, ...] = (),
    contact_request: ContactRequest | None = None,
) -> Transition:
    """Raise a new escalation (the table's entry arrow). Risk escalations come from rules (the
    system), a person's "help now" or a clinician; contact requests come from a human and carry
    the person's preferences."""
    is_contact = urgency is Urgency.CONTACT_REQUEST
    if is_contact != (contact_request is not None):
        raise GuardFailedError("contact requests, and only they, carry contact preferences")
    if is_contact and not raised_by.is_human:
        raise GuardFailedError("a contact request is raised by a human")
    if at.tzinfo is None:
        raise GuardFailedError("event times must be timezone-aware")
    escalation = Escalation(
        kind=EscalationKind.CONTACT_REQUEST if is_contact else EscalationKind.RISK,
        urgency=urgency,
        state=OPEN,
        level=level,
        assignee=assignee,
        deadline=policy.acknowledge_by(urgency, level, at),
        deadline_kind=DeadlineKind.ACKNOWLEDGE,
        raised_at=at,
        raised_by=raised_by,
        updated_at=at,
        version=1,
        policy_version=policy.version,
        rule_ids=rule_ids,
        contact_request=contact_request,
    )
    event = Event(EventKind.RAISE, raised_by, at)
    return Transition(event, None, None, escalation, _notify(escalation, NotificationReason.RAISED))


def apply_event(escalation: Escalation, event: Event, policy: EscalationPolicy) -> Transition:
    """Apply one event, or raise: never a silent no-op."""
    row = _BY_KEY.get((escalation.state, event.kind))
    if row is None:
        raise InvalidTransitionError(
            f"cannot {event.kind.value} an escalation that is {escalation.state.value}"
        )
    if event.at < escalation.updated_at:
        raise GuardFailedError("events must not be older than the escalation's last change")
    refused = [guard.name for guard in row.guards if not guard.check(escalation, event)]
    if refused:
        raise GuardFailedError(f"{event.kind.value} refused: needs {', '.join(refused)}")
    changed, reason = row.effect(escalation, event, policy)
    after = replace(changed, updated_at=event.at, version=escalation.version + 1)
    if after.state is not row.target:
        raise InvalidTransitionError("internal error: effect disagrees with the table")
    missed = escalation.deadline if event.kind is EventKind.DEADLINE_PASSED else None
    notification = None if reason is None else _notify(after, reason, missed)
    return Transition(event, escalation.state, escalation.level, after, notification)


def allowed_events(state: EscalationState) -> tuple[EventKind, ...]:
    """The events the table accepts in ``state`` (what an inbox may offer as buttons)."""
    return tuple(row.event for row in TRANSITIONS if row.source is state)


def overdue_event(escalation: Escalation, now: datetime) -> Event | None:
    """The event a deadline worker applies to an escalation it has claimed, if it is due.

    Stamped ``now``, not with the missed deadline: after an outage each overdue escalation moves
    up one level per pass with a fresh deadline, instead of replaying every missed interval as a
    burst of notifications. The notification carries ``overdue_since`` so the reader sees how late.
    """
    if not escalation.is_open or not escalation.is_overdue(now):
        return None
    return Event.deadline_passed(now)


def _notify(
    escalation: Escalation, reason: NotificationReason, overdue_since: datetime | None = None
) -> Notification:
    return Notification(
        level=escalation.level,
        assignee=escalation.assignee,
        reason=reason,
        urgency=escalation.urgency,
        sequence=escalation.version,
        overdue_since=overdue_since,
    )
