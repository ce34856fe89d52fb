"""Safety in the platform (P3, P2; issue 4): ``platform.safety``.

The pure core (:mod:`withcare.domain.safety`) decides *what* must happen; this service makes it
happen in the database, in the same transaction as whatever raised the signal:

* :meth:`SafetyService.on_risk_signal` is subscribed to :class:`RiskSignalRaised`. It stores each
  signal (the rule, never the person's words), opens an escalation for the person's named
  clinician (the duty clinician if there is none) or attaches the signals to an open escalation
  that is at least as urgent, and writes the notifications to the outbox. All inside the
  publisher's unit of work: the answers and the escalation are committed together or not at all.
* "I need help now", free-text checks (:meth:`check_text`) and "talk to a person" go through the
  same path.
* Clinicians acknowledge, record actions, hand over and close with ``apply_event``. Every change is
  an ``UPDATE ... WHERE version = :old``: two people (or two workers) can never both apply a change
  to the same version.
* The worker (``withcare worker``) calls :meth:`escalate_overdue`, :meth:`claim_notifications` and
  :meth:`record_delivery`; each claim is a conditional update with a lease, so two workers never
  both send one notification.

A detection never closes or downgrades anything: it only opens work for a human.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select, update

from withcare.clock import FileClock
from withcare.db.models import (
    CareTeam,
    ContactRequestRow,
    CrisisContactRow,
    DeliveryAttemptRow,
    Episode,
    EscalationEventRow,
    EscalationRow,
    NotificationRow,
    Person,
    RiskSignalRow,
    SafetyPlanVersionRow,
    TeamMembership,
    User,
    WorkerHeartbeatRow,
)
from withcare.db.types import new_id
from withcare.domain.care.modes import ContactMode
from withcare.domain.roles import Role
from withcare.domain.safety import (
    Action,
    ContactRequest,
    CrisisPage,
    Escalation,
    EscalationKind,
    EscalationState,
    Event,
    EventKind,
    GuardFailedError,
    InvalidTransitionError,
    Level,
    Notification,
    Outcome,
    OversightSummary,
    PlanEntry,
    RiskSignal,
    SafetyPlan,
    SafetyPlanError,
    SafetyPlanVersion,
    Section,
    Severity,
    SignalSource,
    TimeOfDay,
    Transition,
    UnsupportedLanguageError,
    Urgency,
    allowed_events,
    apply_event,
    crisis_page,
    default_policy,
    default_rule_set,
    evaluate_text,
    first_version,
    help_now_signal,
    overdue_event,
    plan_response,
    raise_escalation,
    revise,
    summarise,
)
from withcare.domain.safety import Actor as SafetyActor
from withcare.domain.safety.crisis_contacts import CrisisContact, parse_contact
from withcare.domain.safety.escalation_model import ActorKind, DeadlineKind, RecordedAction
from withcare.domain.safety.signals import Response
from withcare.security.authorisation import AccessDenied, Actor, Permission, authorise
from withcare.services.errors import Conflict, InvalidInput, NotFound
from withcare.services.events import RiskSignalRaised

if TYPE_CHECKING:
    from withcare.services.platform import Platform
    from withcare.services.unit_of_work import UnitOfWork

# Outbox statuses. A row is never deleted: "sent" and "undeliverable" are final.
PENDING, SENDING, SENT, UNDELIVERABLE = "pending", "sending", "sent", "undeliverable"
CHANNELS = ("in_app", "email")  # every notification goes in-app AND by e-mail
NOBODY = "nobody"  # recipient id when no one could be found: shown to managers, never dropped
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
HEARTBEAT_STALE_AFTER = timedelta(minutes=2)
RECENT_SIGNALS = timedelta(days=90)
FALLBACK_RULE_ID = "measures.risk_flag_without_safety_rule"
UNSUPPORTED_LANGUAGE_RULE_ID = "free_text.unsupported_language"
CONTACT_SOURCE = "contact_request"


# ------------------------------------------------------------------------------------- values


@dataclass(frozen=True)
class SignalOutcome:
    """What the caller must do next: show the crisis page (before anything else) and/or tell the
    person that their care team has been told."""

    shows_crisis_page: bool
    escalation_id: str | None
    opened: bool  # False when the signals joined an escalation that was already open


@dataclass(frozen=True)
class SignalView:
    rule_id: str
    severity: str
    source: str
    explanation: str
    raised_at: datetime
    escalation_id: str | None


@dataclass(frozen=True)
class EventView:
    sequence: int
    kind: str
    actor: str
    actor_role: str | None
    at: datetime
    action: str | None
    outcome: str | None
    to_state: str
    to_level: str


@dataclass(frozen=True)
class NotificationView:
    id: str
    sequence: int
    channel: str
    recipient: str
    reason: str
    status: str
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    last_error: str | None
    escalation_id: str = ""


@dataclass(frozen=True)
class EscalationView:
    id: str
    person_id: str
    person_name: str
    kind: str
    source: str
    urgency: str
    state: str
    level: str
    assignee_id: str | None
    assignee: str
    deadline: datetime | None
    deadline_kind: str | None
    raised_at: datetime
    acknowledged_at: datetime | None
    breaches: int
    outcome: str | None
    closed_at: datetime | None
    version: int
    rule_ids: tuple[str, ...]
    actions: tuple[str, ...]
    overdue: bool

    @property
    def is_open(self) -> bool:
        return self.state != EscalationState.CLOSED.value


@dataclass(frozen=True)
class StaffChoice:
    user_id: str
    name: str
    role: str


@dataclass(frozen=True)
class EscalationDetail:
    escalation: EscalationView
    events: list[EventView]
    signals: list[SignalView]
    notifications: list[NotificationView]
    allowed: tuple[str, ...]
    hand_over_to: list[StaffChoice]
    contact_request: ContactRequestView | None


@dataclass(frozen=True)
class ContactRequestView:
    id: str
    escalation_id: str
    preferred_modes: tuple[str, ...]
    preferred_times: tuple[str, ...]
    status: str
    response_target: datetime
    created_at: datetime


@dataclass(frozen=True)
class PersonSafety:
    person_id: str
    open_escalations: list[EscalationView]
    recent_signals: list[SignalView]
    contact_requests: list[ContactRequestView]


@dataclass(frozen=True)
class HeartbeatView:
    worker_id: str
    host: str
    pid: int
    last_seen_at: datetime
    passes: int
    stale: bool


@dataclass(frozen=True)
class Oversight:
    summary: OversightSummary
    breached_open: list[EscalationView]
    by_outcome: list[tuple[str, int]]
    median_ack_minutes: list[tuple[str, float]]
    outbox: dict[str, int]
    undeliverable: int
    heartbeats: list[HeartbeatView]
    worker_alive: bool
    closed_not_a_risk_by_rule: list[tuple[str, int]]
    test_clock: bool = False  # time comes from WITHCARE_CLOCK_FILE: never in live use


@dataclass(frozen=True)
class PlanVersionSummary:
    number: int
    created_at: datetime
    created_by: str
    agreed_with_person: bool


@dataclass(frozen=True)
class SafetyPlanView:
    person_id: str
    person_name: str
    latest: SafetyPlanVersion | None
    versions: list[PlanVersionSummary]
    changes: list[Any] = field(default_factory=list)  # diff from the previous version


@dataclass(frozen=True)
class ClaimedNotification:
    id: str
    escalation_id: str
    sequence: int
    channel: str
    recipient_id: str
    recipient_email: str
    recipient_name: str
    level: str
    reason: str
    urgency: str
    overdue_since: datetime | None
    deadline: datetime | None
    attempt: int  # the number of this attempt (1 for the first)


class _LostRace(Exception):
    """Another writer changed the escalation first: roll back and move on."""


# ------------------------------------------------------------------------------------ service


class SafetyService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform
        self.policy = default_policy()
        platform.events.subscribe(RiskSignalRaised, self.on_risk_signal)

    # --------------------------------------------------------------------- signals (same tx)

    def on_risk_signal(self, uow: UnitOfWork, event: RiskSignalRaised) -> None:
        """Subscriber: store the signals and open (or join) an escalation, in the caller's tx."""
        signals = [_as_signal(s, event.source) for s in event.signals] or [
            _as_signal(None, event.source)
        ]
        self._handle_signals(uow, event.person_id, event.source, event.source_id, signals)

    def check_text(
        self,
        uow: UnitOfWork,
        person_id: str,
        source: str,
        source_id: str,
        text: str,
        language: str = "en",
    ) -> SignalOutcome | None:
        """Read free text (a message, a check-in note) for risk inside the caller's unit of work.

        A language without rules opens low-urgency work so that a human reads it: "no detection"
        is never taken as "safe". The text itself is never stored or logged here.
        """
        try:
            signals = evaluate_text(text, language)
        except UnsupportedLanguageError:
            signals = [
                RiskSignal(
                    rule_id=UNSUPPORTED_LANGUAGE_RULE_ID,
                    rule_set_version=default_rule_set().version,
                    severity=Severity.LOW,
                    responses=(Response.OPEN_ESCALATION,),
                    source=SignalSource.FREE_TEXT,
                    explanation="Text in a language without risk rules: a person must read it.",
                )
            ]
        if not signals:
            return None
        return self._publish(uow, person_id, SignalSource.FREE_TEXT.value, source_id, signals)

    def help_now(self, actor: Actor | None, person_id: str) -> SignalOutcome:
        """The person pressed "I need help now": always acted on, never evaluated."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_HELP_NOW, person_id)
            return self._publish(
                uow, person_id, SignalSource.HELP_NOW.value, new_id(), [help_now_signal()]
            )

    def _publish(
        self,
        uow: UnitOfWork,
        person_id: str,
        source: str,
        source_id: str,
        signals: Sequence[RiskSignal],
    ) -> SignalOutcome:
        """Publish for every subscriber (safety among them), then report what was done."""
        self._platform.events.publish(
            uow, RiskSignalRaised(person_id, source, source_id, tuple(signals))
        )
        found = uow.session.execute(
            select(RiskSignalRow.escalation_id)
            .where(RiskSignalRow.source_id == source_id, RiskSignalRow.person_id == person_id)
            .limit(1)
        ).scalar_one_or_none()
        plan = plan_response(signals)
        return SignalOutcome(bool(plan and plan.shows_crisis_page), found, found is not None)

    def _handle_signals(
        self,
        uow: UnitOfWork,
        person_id: str,
        source: str,
        source_id: str,
        signals: Sequence[RiskSignal],
    ) -> str | None:
        person = uow.session.get(Person, person_id)
        if person is None:
            raise NotFound("That person could not be found.")
        now = uow.clock.now()
        plan = plan_response(signals)
        escalation_id: str | None = None
        if plan is not None and (
            plan.opens_escalation or Response.OPEN_CONTACT_REQUEST in plan.responses
        ):
            urgency = Urgency.from_severity(plan.severity)
            joined = self._open_risk_escalation_at_least(uow, person_id, urgency)
            if joined is not None:
                escalation_id = joined.id
                uow.audit.record(
                    uow.actor,
                    "escalation.signals_joined",
                    subject_type="escalation",
                    subject_id=joined.id,
                    person_id=person_id,
                    reason="safety",
                    details={"source": source, "rules": " ".join(plan.rule_ids)},
                )
            else:
                raised_by = (
                    SafetyActor.person(person_id)
                    if uow.actor is not None and uow.actor.person_id == person_id
                    else SafetyActor.system("risk-rules")
                )
                level, assignee = self._starting_owner(uow, person_id)
                transition = raise_escalation(
                    urgency=urgency,
                    raised_by=raised_by,
                    at=now,
                    policy=self.policy,
                    level=level,
                    assignee=assignee,
                    rule_ids=plan.rule_ids,
                )
                escalation_id = self._insert(uow, person, source, source_id, transition)
        for signal in signals:
            uow.session.add(
                RiskSignalRow(
                    person_id=person_id,
                    escalation_id=escalation_id,
                    source=source,
                    source_id=source_id,
                    rule_id=signal.rule_id,
                    rule_set_version=signal.rule_set_version,
                    severity=signal.severity.value,
                    explanation=signal.explanation[:300],
                    raised_at=now,
                )
            )
        uow.session.flush()
        return escalation_id

    def _open_risk_escalation_at_least(
        self, uow: UnitOfWork, person_id: str, urgency: Urgency
    ) -> EscalationRow | None:
        rows = uow.session.execute(
            select(EscalationRow).where(
                EscalationRow.person_id == person_id,
                EscalationRow.kind == EscalationKind.RISK.value,
                EscalationRow.state != EscalationState.CLOSED.value,
            )
        ).scalars()
        for row in rows:
            if Urgency(row.urgency).rank >= urgency.rank:
                return row
        return None

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

    # ---------------------------------------------------------------------- talk to a person

    def request_contact(
        self,
        actor: Actor | None,
        person_id: str,
        modes: Sequence[str],
        times: Sequence[str],
    ) -> ContactRequestView:
        problems: dict[str, str] = {}
        try:
            chosen_modes = tuple(ContactMode(m) for m in dict.fromkeys(modes))
        except ValueError:
            chosen_modes = ()
        try:
            chosen_times = tuple(TimeOfDay(t) for t in dict.fromkeys(times)) or (
                TimeOfDay.ANY_TIME,
            )
        except ValueError:
            problems["times"] = "Choose times from the list."
            chosen_times = (TimeOfDay.ANY_TIME,)
        if not chosen_modes or not all(m.is_human for m in chosen_modes):
            problems["modes"] = "Choose at least one way for us to contact you."
        if problems:
            raise InvalidInput("Please check your answers.", problems)
        request = ContactRequest(chosen_modes, chosen_times)
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_CONTACT_REQUEST, person_id)
            person = uow.session.get(Person, person_id)
            assert person is not None
            level, assignee = self._starting_owner(uow, person_id)
            transition = raise_escalation(
                urgency=Urgency.CONTACT_REQUEST,
                raised_by=SafetyActor.person(person_id),
                at=uow.clock.now(),
                policy=self.policy,
                level=level,
                assignee=assignee,
                contact_request=request,
            )
            request_id = new_id()
            escalation_id = self._insert(uow, person, CONTACT_SOURCE, request_id, transition)
            row = ContactRequestRow(
                id=request_id,
                person_id=person_id,
                escalation_id=escalation_id,
                preferred_modes=" ".join(m.value for m in chosen_modes),
                preferred_times=" ".join(t.value for t in chosen_times),
                status=transition.escalation.state.value,
                response_target=transition.escalation.deadline or uow.clock.now(),
                requested_by_id=actor.user_id if actor else "",
                created_at=uow.clock.now(),
            )
            uow.session.add(row)
            uow.session.flush()
            uow.audit.record(
                actor,
                "contact_request.create",
                subject_type="contact_request",
                subject_id=row.id,
                person_id=person_id,
                reason="direct_care",
                details={"escalation": escalation_id},
            )
            return _contact_view(row)

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
            raise InvalidInput("Choose what to do.") from None
        with self._platform.unit_of_work(actor) as uow:
            row = self._row_for(uow, actor, escalation_id)
            if expected_version is not None and expected_version != row.version:
                raise Conflict(
                    "Someone else changed this escalation while you were looking at it. "
                    "Check what changed, then try again."
                )
            who = SafetyActor.staff(actor.user_id, actor.role)
            now = uow.clock.now()
            event = self._event(uow, row, who, now, event_kind, action, outcome, to_assignee)
            try:
                transition = apply_event(_to_domain(uow, row), event, self.policy)
            except GuardFailedError as error:
                raise InvalidInput(_guard_message(event_kind, str(error))) from None
            except InvalidTransitionError as error:
                raise Conflict(f"This cannot be done now: {error}") from None
            try:
                self._store(uow, row, transition)
            except _LostRace:
                raise Conflict(
                    "Someone else changed this escalation at the same moment. "
                    "Check what changed, then try again."
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
                    "Choose the action you took.", {"action": "Choose an action from the list."}
                ) from None
        if kind is EventKind.CLOSE_WITH_OUTCOME:
            try:
                return Event.close(who, now, Outcome(outcome or ""))
            except ValueError:
                raise InvalidInput(
                    "Choose the outcome.", {"outcome": "Choose an outcome from the list."}
                ) from None
        if kind is EventKind.HAND_OVER:
            target = uow.session.get(User, to_assignee) if to_assignee else None
            if target is None or not target.is_active:
                raise InvalidInput(
                    "Choose who to hand over to.", {"to": "Choose someone from the list."}
                )
            candidates = {c.user_id for c in self._hand_over_candidates(uow, row)}
            if target.id not in candidates:
                raise InvalidInput(
                    "Choose who to hand over to.",
                    {"to": "They cannot take this on: choose someone from the list."},
                )
            to_level = Level.SERVICE_MANAGER if target.role == Role.SERVICE_MANAGER.value else None
            return Event.hand_over(who, now, target.id, to_level)
        raise InvalidInput("Only the deadline worker reports a missed deadline.")

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

    def _may_handle(self, uow: UnitOfWork, actor: Actor, row: EscalationRow) -> bool:
        """Care team, named owner, the duty rota (once escalated) or the service's managers."""
        if actor.role is Role.SERVICE_MANAGER:
            return actor.service_id == row.service_id
        if actor.role is not Role.CLINICIAN:
            return False
        if row.assignee_id == actor.user_id:
            return True
        if actor.team_ids & uow.person_context(row.person_id).team_ids:
            return True
        if row.level != Level.NAMED_CLINICIAN.value:
            on_duty = uow.session.execute(
                select(TeamMembership.id)
                .join(CareTeam, CareTeam.id == TeamMembership.team_id)
                .where(
                    TeamMembership.user_id == actor.user_id,
                    TeamMembership.is_duty_clinician.is_(True),
                    CareTeam.service_id == row.service_id,
                )
                .limit(1)
            ).scalar_one_or_none()
            return on_duty is not None
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
            rows = [
                r for r in uow.session.execute(query).scalars() if self._may_handle(uow, actor, r)
            ]
            views = [self._view(uow, r) for r in rows]
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
            names = _names(uow)
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
                for e in uow.session.execute(
                    select(EscalationEventRow)
                    .where(EscalationEventRow.escalation_id == row.id)
                    .order_by(EscalationEventRow.sequence)
                ).scalars()
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
                (self._view(uow, r) for r in rows),
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

    def _view(self, uow: UnitOfWork, row: EscalationRow) -> EscalationView:
        person = uow.session.get(Person, row.person_id)
        assignee = uow.session.get(User, row.assignee_id) if row.assignee_id else None
        actions = tuple(a["action"] for a in json.loads(row.actions or "[]"))
        now = uow.clock.now()
        return EscalationView(
            id=row.id,
            person_id=row.person_id,
            person_name=f"{person.given_name} {person.family_name}" if person else "",
            kind=row.kind,
            source=row.source,
            urgency=row.urgency,
            state=row.state,
            level=row.level,
            assignee_id=row.assignee_id,
            assignee=assignee.display_name if assignee else "",
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

    # --------------------------------------------------------------------------- oversight

    def oversight(self, actor: Actor | None) -> Oversight:
        """Time to acknowledge, breached deadlines, outcomes, the outbox and the worker."""
        authorise(actor, Permission.ESCALATIONS_OVERSIGHT)
        assert actor is not None
        with self._platform.unit_of_work(actor) as uow:
            now = uow.clock.now()
            rows = list(
                uow.session.execute(
                    select(EscalationRow).where(EscalationRow.service_id == actor.service_id)
                ).scalars()
            )
            summary = summarise((_to_domain(uow, r) for r in rows), now)
            breached = [
                self._view(uow, r)
                for r in rows
                if r.state != EscalationState.CLOSED.value
                and (r.breaches or (r.deadline is not None and now >= r.deadline))
            ]
            breached.sort(key=lambda v: (-Urgency(v.urgency).rank, v.deadline or v.raised_at))
            ids = [r.id for r in rows]
            outbox: dict[str, int] = {}
            for status in uow.session.execute(
                select(NotificationRow.status).where(NotificationRow.escalation_id.in_(ids))
            ).scalars():
                outbox[status] = outbox.get(status, 0) + 1
            noisy: dict[str, int] = {}
            for r in rows:
                if r.outcome == Outcome.REVIEWED_NOT_A_CURRENT_RISK.value:
                    for rule in r.rule_ids.split() or ["(none)"]:
                        noisy[rule] = noisy.get(rule, 0) + 1
            beats = [
                HeartbeatView(
                    b.worker_id,
                    b.host,
                    b.pid,
                    b.last_seen_at,
                    b.passes,
                    now - b.last_seen_at > HEARTBEAT_STALE_AFTER,
                )
                for b in uow.session.execute(
                    select(WorkerHeartbeatRow).order_by(WorkerHeartbeatRow.last_seen_at.desc())
                ).scalars()
            ]
            uow.audit.record(
                actor,
                "escalation.oversight",
                subject_type="service",
                subject_id=actor.service_id or "",
                reason="service_management",
            )
            return Oversight(
                summary=summary,
                breached_open=breached,
                by_outcome=sorted((o.value, n) for o, n in summary.by_outcome.items()),
                median_ack_minutes=sorted(
                    (u.value, round(d.total_seconds() / 60, 1))
                    for u, d in summary.median_time_to_acknowledge.items()
                ),
                outbox=outbox,
                undeliverable=outbox.get(UNDELIVERABLE, 0),
                heartbeats=beats,
                worker_alive=any(not b.stale for b in beats),
                closed_not_a_risk_by_rule=sorted(noisy.items()),
                test_clock=isinstance(self._platform.clock, FileClock),
            )

    # -------------------------------------------------------------------------- safety plans

    def safety_plan(
        self, actor: Actor | None, person_id: str, number: int | None = None
    ) -> SafetyPlanView:
        from withcare.domain.safety import diff_plans

        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_SAFETY_PLAN_READ, person_id)
            person = uow.session.get(Person, person_id)
            assert person is not None
            rows = list(
                uow.session.execute(
                    select(SafetyPlanVersionRow)
                    .where(SafetyPlanVersionRow.person_id == person_id)
                    .order_by(SafetyPlanVersionRow.number)
                ).scalars()
            )
            names = _names(uow)
            summaries = [
                PlanVersionSummary(
                    r.number, r.created_at, names.get(r.created_by_id, ""), r.agreed_with_person
                )
                for r in rows
            ]
            chosen = rows[-1] if rows and number is None else None
            if number is not None:
                chosen = next((r for r in rows if r.number == number), None)
                if chosen is None:
                    raise NotFound("That version of the safety plan does not exist.")
            latest = self._plan_version(uow, chosen) if chosen else None
            changes: list[Any] = []
            if chosen is not None and chosen.number > 1:
                before = next(r for r in rows if r.number == chosen.number - 1)
                previous = self._plan_version(uow, before)
                assert latest is not None
                changes = diff_plans(previous.plan, latest.plan)
            uow.audit.record(
                actor,
                "safety_plan.read",
                subject_type="safety_plan",
                subject_id=chosen.id if chosen else person_id,
                person_id=person_id,
                reason="direct_care",
                details={"version": chosen.number if chosen else 0},
            )
            return SafetyPlanView(
                person_id,
                f"{person.given_name} {person.family_name}",
                latest,
                summaries,
                changes,
            )

    def save_safety_plan(
        self,
        actor: Actor | None,
        person_id: str,
        plan: SafetyPlan,
        *,
        agreed_with_person: bool,
        based_on: int | None = None,
    ) -> int:
        """Save a new numbered version (versions are never changed). ``based_on`` is the version
        the editor started from: if someone saved a newer one meanwhile, nothing is overwritten."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_SAFETY_PLAN_WRITE, person_id)
            assert actor is not None
            agreed = agreed_with_person or actor.person_id == person_id
            last = uow.session.execute(
                select(SafetyPlanVersionRow)
                .where(SafetyPlanVersionRow.person_id == person_id)
                .order_by(SafetyPlanVersionRow.number.desc())
                .limit(1)
            ).scalar_one_or_none()
            if (last.number if last else 0) != (based_on or 0) and based_on is not None:
                raise Conflict(
                    "Someone saved a newer version of this plan while you were editing. "
                    "Your changes were not saved: open the latest version and add them again."
                )
            now = uow.clock.now()
            try:
                if last is None:
                    version = first_version(
                        plan, created_by=actor.user_id, at=now, agreed_with_person=agreed
                    )
                else:
                    version = revise(
                        self._plan_version(uow, last),
                        plan,
                        created_by=actor.user_id,
                        at=now,
                        agreed_with_person=agreed,
                    )
            except SafetyPlanError as error:
                raise InvalidInput(str(error)) from None
            row_id = new_id()
            ciphertext = self._platform.crypto.encrypt(
                uow, person_id, "safety_plan", row_id, "sections", _plan_json(version.plan)
            )
            uow.session.add(
                SafetyPlanVersionRow(
                    id=row_id,
                    person_id=person_id,
                    number=version.number,
                    sections_ciphertext=ciphertext,
                    schema_version=version.schema_version,
                    created_at=now,
                    created_by_id=actor.user_id,
                    agreed_with_person=agreed,
                )
            )
            uow.session.flush()
            uow.audit.record(
                actor,
                "safety_plan.save",
                subject_type="safety_plan",
                subject_id=row_id,
                person_id=person_id,
                reason="direct_care",
                details={"version": version.number},
            )
            return version.number

    def _plan_version(self, uow: UnitOfWork, row: SafetyPlanVersionRow) -> SafetyPlanVersion:
        text = self._platform.crypto.decrypt(
            uow, row.person_id, "safety_plan", row.id, "sections", row.sections_ciphertext
        )
        return SafetyPlanVersion(
            number=row.number,
            plan=_plan_from_json(text),
            created_at=row.created_at,
            created_by=row.created_by_id,
            agreed_with_person=row.agreed_with_person,
            schema_version=row.schema_version,
        )

    # ------------------------------------------------------------------------- crisis page

    def crisis_page(self, language: str, service_id: str | None = None) -> CrisisPage:
        """The crisis page; never fails: if the service's contacts cannot be read, the UK
        defaults are shown (the emergency number is always there)."""
        try:
            with self._platform.database.transaction() as session:
                query = select(CrisisContactRow)
                if service_id:
                    query = query.where(CrisisContactRow.service_id == service_id)
                contacts = [_crisis_contact(r) for r in session.execute(query).scalars()]
            return crisis_page(language, contacts if service_id else ())
        except Exception:  # the crisis page must render whatever else is broken
            return crisis_page(language)

    def set_crisis_contact(
        self, actor: Actor | None, service_id: str, raw: Mapping[str, Any]
    ) -> None:
        """Add or replace one of the service's crisis contacts (validated like the defaults)."""
        authorise(actor, Permission.ESCALATIONS_OVERSIGHT)
        contact = parse_contact(raw)
        crisis_page("en", [contact])  # refuses replacing the emergency number
        with self._platform.unit_of_work(actor) as uow:
            row = uow.session.execute(
                select(CrisisContactRow).where(
                    CrisisContactRow.service_id == service_id,
                    CrisisContactRow.contact_id == contact.id,
                )
            ).scalar_one_or_none()
            if row is None:
                row = CrisisContactRow(service_id=service_id, contact_id=contact.id)
                uow.session.add(row)
            row.position = contact.order
            row.kind = contact.kind.value
            row.number = contact.number
            row.href = contact.href
            row.texts = json.dumps(
                {"name": dict(contact.name), "how": dict(contact.how), "when": dict(contact.when)}
            )
            row.updated_at = uow.clock.now()
            uow.audit.record(
                actor,
                "crisis_contact.set",
                subject_type="crisis_contact",
                subject_id=contact.id,
                reason="service_management",
            )

    def service_of_person(self, person_id: str) -> str | None:
        with self._platform.database.transaction() as session:
            return session.execute(
                select(Person.service_id).where(Person.id == person_id)
            ).scalar_one_or_none()

    # ------------------------------------------------------------------------------ worker

    def heartbeat(self, worker_id: str, started_at: datetime, passes: int) -> None:
        with self._platform.unit_of_work(None) as uow:
            row = uow.session.get(WorkerHeartbeatRow, worker_id)
            if row is None:
                row = WorkerHeartbeatRow(
                    worker_id=worker_id,
                    host=socket.gethostname()[:200],
                    pid=os.getpid(),
                    started_at=started_at,
                )
                uow.session.add(row)
            row.last_seen_at = uow.clock.now()
            row.passes = passes

    def escalate_overdue(self, worker_id: str, limit: int = 50) -> int:
        """Move every overdue escalation up one level; returns how many this worker moved.

        Each escalation is its own transaction with a version check, so a second worker (or a
        clinician acknowledging at that moment) wins cleanly and nothing is applied twice.
        """
        now = self._platform.clock.now()
        with self._platform.database.transaction() as session:
            due = list(
                session.execute(
                    select(EscalationRow.id)
                    .where(
                        EscalationRow.state != EscalationState.CLOSED.value,
                        EscalationRow.deadline <= now,
                    )
                    .order_by(EscalationRow.deadline)
                    .limit(limit)
                ).scalars()
            )
        moved = 0
        for escalation_id in due:
            try:
                with self._platform.unit_of_work(None) as uow:
                    row = uow.session.get(EscalationRow, escalation_id)
                    if row is None:
                        continue
                    escalation = _to_domain(uow, row)
                    event = overdue_event(escalation, uow.clock.now())
                    if event is None:
                        continue
                    event = Event.deadline_passed(event.at, SafetyActor.system(worker_id[:64]))
                    try:
                        transition = apply_event(escalation, event, self.policy)
                    except (GuardFailedError, InvalidTransitionError):
                        continue
                    self._store(uow, row, transition)
                    uow.audit.record(
                        None,
                        "escalation.deadline_passed",
                        subject_type="escalation",
                        subject_id=row.id,
                        person_id=row.person_id,
                        reason="safety",
                        details={
                            "level": transition.escalation.level.value,
                            "breaches": transition.escalation.breaches,
                            "worker": worker_id,
                        },
                    )
                    moved += 1
            except _LostRace:
                continue  # another worker or a clinician acted first: rolled back
        return moved

    def claim_notifications(
        self, worker_id: str, limit: int = 20, lease: timedelta = timedelta(minutes=2)
    ) -> list[ClaimedNotification]:
        """Claim due notifications with a conditional update and a lease.

        ``UPDATE ... WHERE id = :id AND status IN (pending, sending) AND (claimed_until IS NULL OR
        claimed_until < :now)``: only one worker's update can match, so only one worker sends.
        A worker that dies mid-way loses its lease and another picks the row up.
        """
        now = self._platform.clock.now()
        with self._platform.database.transaction() as session:
            candidates = list(
                session.execute(
                    select(NotificationRow.id)
                    .where(
                        NotificationRow.status.in_((PENDING, SENDING)),
                        NotificationRow.next_attempt_at <= now,
                        or_(
                            NotificationRow.claimed_until.is_(None),
                            NotificationRow.claimed_until < now,
                        ),
                    )
                    .order_by(NotificationRow.next_attempt_at)
                    .limit(limit)
                ).scalars()
            )
        claimed: list[ClaimedNotification] = []
        for notification_id in candidates:
            with self._platform.database.transaction() as session:
                result = session.execute(
                    update(NotificationRow)
                    .where(
                        NotificationRow.id == notification_id,
                        NotificationRow.status.in_((PENDING, SENDING)),
                        or_(
                            NotificationRow.claimed_until.is_(None),
                            NotificationRow.claimed_until < now,
                        ),
                    )
                    .values(status=SENDING, claimed_by=worker_id, claimed_until=now + lease)
                    .execution_options(synchronize_session=False)
                )
                if getattr(result, "rowcount", 0) != 1:
                    continue
                row = session.get(NotificationRow, notification_id)
                assert row is not None
                escalation = session.get(EscalationRow, row.escalation_id)
                user = session.get(User, row.recipient_id)
                claimed.append(
                    ClaimedNotification(
                        id=row.id,
                        escalation_id=row.escalation_id,
                        sequence=row.sequence,
                        channel=row.channel,
                        recipient_id=row.recipient_id,
                        recipient_email=user.email if user else "",
                        recipient_name=user.display_name if user else "",
                        level=row.level,
                        reason=row.reason,
                        urgency=row.urgency,
                        overdue_since=row.overdue_since,
                        deadline=escalation.deadline if escalation else None,
                        attempt=row.attempts + 1,
                    )
                )
        return claimed

    def record_delivery(
        self, worker_id: str, claimed: ClaimedNotification, error: str | None
    ) -> bool:
        """Record one attempt; on failure schedule a retry with exponential back-off.
        Returns False if this worker no longer held the claim (nothing recorded)."""
        now = self._platform.clock.now()
        with self._platform.database.transaction() as session:
            row = session.get(NotificationRow, claimed.id)
            if row is None or row.claimed_by != worker_id or row.status != SENDING:
                return False
            attempt = row.attempts + 1
            session.add(
                DeliveryAttemptRow(
                    notification_id=row.id,
                    attempt=attempt,
                    worker_id=worker_id,
                    at=now,
                    succeeded=error is None,
                    error=None if error is None else error[:300],
                )
            )
            values: dict[str, Any] = {"attempts": attempt, "claimed_until": None}
            if error is None:
                values |= {"status": SENT, "delivered_at": now, "last_error": None}
            else:
                values |= {
                    "status": PENDING,
                    "next_attempt_at": now + backoff(attempt),
                    "last_error": error[:300],
                }
            result = session.execute(
                update(NotificationRow)
                .where(
                    NotificationRow.id == row.id,
                    NotificationRow.claimed_by == worker_id,
                    NotificationRow.status == SENDING,
                    NotificationRow.attempts == row.attempts,
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            return getattr(result, "rowcount", 0) == 1

    def in_app_notifications(self, actor: Actor | None) -> list[NotificationView]:
        """Unread in-app notifications for the signed-in clinician or manager."""
        authorise(actor, Permission.ESCALATIONS_HANDLE)
        assert actor is not None
        with self._platform.unit_of_work(actor) as uow:
            rows = uow.session.execute(
                select(NotificationRow)
                .where(
                    NotificationRow.recipient_id == actor.user_id,
                    NotificationRow.channel == "in_app",
                    NotificationRow.status == SENT,
                )
                .order_by(NotificationRow.delivered_at.desc())
                .limit(20)
            ).scalars()
            return [
                NotificationView(
                    n.id,
                    n.sequence,
                    n.channel,
                    actor.display_name,
                    n.reason,
                    n.status,
                    n.attempts,
                    n.next_attempt_at,
                    n.delivered_at,
                    None,
                    n.escalation_id,
                )
                for n in rows
            ]


# ------------------------------------------------------------------------------------ helpers


def backoff(attempt: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... at most an hour; never gives up."""
    delay: timedelta = BACKOFF_FIRST * (2 ** max(0, attempt - 1))
    return min(delay, BACKOFF_MAX)


def _active(uow: UnitOfWork, user_ids: Any) -> list[str]:
    return sorted(
        set(
            uow.session.execute(
                select(User.id).where(User.id.in_(user_ids), User.is_active.is_(True))
            ).scalars()
        )
    )


def _names(uow: UnitOfWork) -> dict[str, str]:
    return {
        str(uid): str(name)
        for uid, name in uow.session.execute(select(User.id, User.display_name)).tuples()
    }


def _as_signal(item: object, source: str) -> RiskSignal:
    """A publisher's signal, or (for anything else, e.g. a bare risk-item number) a high-severity
    stand-in: a risk flag the rules did not explain is still acted on, never dropped."""
    if isinstance(item, RiskSignal):
        return item
    try:
        signal_source = SignalSource(source)
    except ValueError:
        signal_source = SignalSource.INSTRUMENT
    return RiskSignal(
        rule_id=FALLBACK_RULE_ID,
        rule_set_version=default_rule_set().version,
        severity=Severity.HIGH,
        responses=(Response.SHOW_CRISIS_PAGE, Response.OPEN_ESCALATION),
        source=signal_source,
        explanation="A risk flag without a matching safety rule: treated as high.",
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


def _crisis_contact(row: CrisisContactRow) -> CrisisContact:
    texts = json.loads(row.texts)
    return parse_contact(
        {
            "id": row.contact_id,
            "order": row.position,
            "kind": row.kind,
            "number": row.number,
            "href": row.href,
            "name": texts["name"],
            "how": texts["how"],
            "when": texts["when"],
        }
    )


def _plan_json(plan: SafetyPlan) -> str:
    return json.dumps(
        {
            section.value: [{"text": e.text, "contact": e.contact} for e in plan.entries(section)]
            for section in Section
            if plan.entries(section)
        },
        sort_keys=True,
    )


def _plan_from_json(text: str) -> SafetyPlan:
    raw: dict[str, list[dict[str, str | None]]] = json.loads(text)
    return SafetyPlan(
        {
            Section(name): tuple(
                PlanEntry(str(e["text"]), e.get("contact") or None) for e in entries
            )
            for name, entries in raw.items()
        }
    )


def plan_from_form(fields: Mapping[str, Iterable[str]]) -> SafetyPlan:
    """Build a plan from form lists: ``<section>`` texts and ``<section>__contact`` numbers."""
    sections: dict[Section, tuple[PlanEntry, ...]] = {}
    for section in Section:
        texts = list(fields.get(section.value, ()))
        contacts = list(fields.get(f"{section.value}__contact", ()))
        entries = []
        for index, text in enumerate(texts):
            contact = contacts[index].strip() if index < len(contacts) else ""
            if text.strip() or contact:
                entries.append(PlanEntry(text.strip(), contact or None))
        if entries:
            sections[section] = tuple(entries)
    return SafetyPlan(sections)


def _guard_message(kind: EventKind, detail: str) -> str:
    if kind is EventKind.CLOSE_WITH_OUTCOME and "acted before closing" in detail:
        return (
            "Record at least one action before closing "
            "(unless it was a duplicate or raised in error)."
        )
    if kind is EventKind.HAND_OVER:
        return "Choose someone else to hand over to."
    return "This cannot be done: " + detail


__all__ = [
    "CHANNELS",
    "ClaimedNotification",
    "ContactRequestView",
    "EscalationDetail",
    "EscalationView",
    "Oversight",
    "PersonSafety",
    "SafetyPlanView",
    "SafetyService",
    "SignalOutcome",
    "backoff",
    "plan_from_form",
]
