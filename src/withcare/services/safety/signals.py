"""Risk-signal intake: the event subscriber, free-text checks and "I need help now"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select

from withcare.db.models import EscalationRow, Person, RiskSignalRow
from withcare.db.types import new_id
from withcare.domain.safety import Actor as SafetyActor
from withcare.domain.safety import (
    EscalationKind,
    EscalationState,
    RiskSignal,
    Severity,
    SignalSource,
    UnsupportedLanguageError,
    Urgency,
    default_rule_set,
    evaluate_text,
    help_now_signal,
    plan_response,
    raise_escalation,
)
from withcare.domain.safety.signals import Response
from withcare.security.authorisation import Actor, Permission
from withcare.services.errors import N_, NotFound
from withcare.services.events import RiskSignalRaised
from withcare.services.safety.constants import FALLBACK_RULE_ID, UNSUPPORTED_LANGUAGE_RULE_ID
from withcare.services.safety.store import EscalationStore
from withcare.services.safety.views import SignalOutcome

if TYPE_CHECKING:
    from withcare.services.unit_of_work import UnitOfWork


class SignalHandling(EscalationStore):
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
        # Lock the person's row: two signals for one person arriving at the same moment then take
        # turns, so the second joins the escalation the first opened instead of opening another.
        # (PostgreSQL; SQLite already runs one writer at a time.)
        person = uow.session.get(Person, person_id, with_for_update=True)
        if person is None:
            raise NotFound(N_("That person could not be found."))
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
