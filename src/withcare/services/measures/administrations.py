"""Answering: drafts, the person's submit, staff entry, scoring and the risk event."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from withcare.db.models import MeasureAdministration, MeasureAssignment
from withcare.domain.consent import DataStream, Purpose
from withcare.domain.measures import Instrument, ScoreResult, score
from withcare.domain.measures.licensing import BLOCKED_MESSAGE, licence_needed
from withcare.security.authorisation import Actor, Permission
from withcare.services.errors import N_, InvalidInput, NotFound
from withcare.services.events import RiskSignalRaised
from withcare.services.measures.assignments import AssignmentsMixin
from withcare.services.measures.instruments import problems_by_item, require_instrument
from withcare.services.measures.views import (
    AdministrationView,
    DueItem,
    SubmitOutcome,
    _administration_view,
)
from withcare.services.measures.vocabulary import DRAFT, SUBMITTED, Mode
from withcare.services.unit_of_work import UnitOfWork, access_reason


@dataclass
class _Signals:
    signals: tuple[Any, ...] = ()
    crisis: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _clean(instrument: Instrument, responses: Sequence[int | str | None]) -> list[int | str | None]:
    """Draft answers: one slot per item, values kept only when they are one of the item's."""
    values: list[int | str | None] = []
    for index, item in enumerate(instrument.items):
        value = responses[index] if index < len(responses) else None
        if (
            isinstance(value, int) and not isinstance(value, bool) and value in item.allowed_scores
        ) or (value == "not_applicable" and item.allow_not_applicable):
            values.append(value)
        else:
            values.append(None)
    return values


def _signals(instrument_id: str, result: ScoreResult) -> _Signals:
    """The safety module's signals for these answers (the same rules the safety engineer keeps)."""
    try:
        from withcare.domain.safety import evaluate_instrument_risk
    except ImportError:  # pragma: no cover - the safety core ships with the platform
        return _Signals()
    scores = [s if isinstance(s, int) else None for s in result.item_scores]
    try:
        found = evaluate_instrument_risk(instrument_id, scores)
    except Exception:
        return _Signals()
    return _Signals(
        signals=tuple(found), crisis=any(getattr(s, "shows_crisis_page", False) for s in found)
    )


class AdministrationsMixin(AssignmentsMixin):
    def _licensed_for_self(self, uow: UnitOfWork, instrument: Instrument) -> None:
        """Unassigned self-completion is for freely usable instruments (or licensed ones) only."""
        blocked = licence_needed(instrument.id, self._licences(uow))
        if blocked:
            raise InvalidInput(BLOCKED_MESSAGE, {"instrument_id": BLOCKED_MESSAGE}, params=blocked)

    def _check_assignment(
        self, uow: UnitOfWork, person_id: str, instrument_id: str, assignment_id: str | None
    ) -> MeasureAssignment | None:
        if assignment_id is None:
            return None
        row = uow.session.get(MeasureAssignment, assignment_id)
        if row is None or row.person_id != person_id or row.instrument_id != instrument_id:
            raise NotFound(N_("That questionnaire is not assigned to this person."))
        return row

    def form(
        self, actor: Actor | None, person_id: str, instrument_id: str
    ) -> tuple[Instrument, DueItem | None, list[int | str | None]]:
        """What the person's form needs: the instrument, the open window and any saved answers."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_RESPOND, person_id)
            instrument = require_instrument(instrument_id)
            self._platform.consent.require_flow(
                uow,
                person_id,
                Purpose.DIRECT_CARE,
                DataStream.QUESTIONNAIRES,
                f"{instrument.short_name} questionnaire opened",
            )
            due = next(
                (d for d in self._due(uow, person_id) if d.instrument_id == instrument.id), None
            )
            if due is None:
                self._licensed_for_self(uow, instrument)
            draft = self._draft(uow, person_id, instrument.id, due.assignment_id if due else None)
            saved: list[int | str | None] = (
                json.loads(draft.responses) if draft else [None] * instrument.item_count
            )
            uow.audit.record(
                actor,
                "measure_form.read",
                subject_type="instrument",
                subject_id=instrument.id,
                person_id=person_id,
                reason=access_reason(actor, person_id),
            )
            return instrument, due, saved

    def save_draft(
        self,
        actor: Actor | None,
        person_id: str,
        instrument_id: str,
        responses: Sequence[int | str | None],
        assignment_id: str | None = None,
    ) -> str:
        """Keep answers so far and come back later; nothing is scored or shared yet."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_RESPOND, person_id)
            instrument = require_instrument(instrument_id)
            values = _clean(instrument, responses)
            self._platform.consent.require_flow(
                uow,
                person_id,
                Purpose.DIRECT_CARE,
                DataStream.QUESTIONNAIRES,
                f"{instrument.short_name} answers saved to finish later",
            )
            if self._check_assignment(uow, person_id, instrument.id, assignment_id) is None:
                self._licensed_for_self(uow, instrument)
            now = uow.clock.now()
            row = self._draft(uow, person_id, instrument.id, assignment_id)
            if row is None:
                row = MeasureAdministration(
                    person_id=person_id,
                    instrument_id=instrument.id,
                    assignment_id=assignment_id,
                    mode=Mode.WEB.value,
                    status=DRAFT,
                    entered_by_id=actor.user_id if actor else None,
                    started_at=now,
                    risk_flag=False,
                    extras="{}",
                )
                uow.session.add(row)
            row.responses = json.dumps(values)
            row.updated_at = now
            uow.session.flush()
            uow.audit.record(
                actor,
                "measure_administration.draft",
                subject_type="measure_administration",
                subject_id=row.id,
                person_id=person_id,
                reason=access_reason(actor, person_id),
                details={"instrument": instrument.id},
            )
            return row.id

    def submit(
        self,
        actor: Actor | None,
        person_id: str,
        instrument_id: str,
        responses: Sequence[object],
        *,
        assignment_id: str | None = None,
        mode: str = Mode.WEB,
        completed_at: datetime | None = None,
    ) -> SubmitOutcome:
        """Score with the domain scorer, store, audit and hand any risk to safety at once.

        The person answers for themself (``web``); their care team enters ``paper``, ``phone`` and
        ``in_person`` administrations; ``fhir`` is an imported QuestionnaireResponse.
        """
        try:
            how: Mode | None = Mode(mode)
        except ValueError:
            how = None
        own = actor is not None and actor.person_id == person_id
        permission = (
            Permission.PERSON_MEASURES_RESPOND
            if how is Mode.WEB or (how is Mode.FHIR and own)
            else Permission.PERSON_MEASURES_ENTER
        )
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(permission, person_id)
            if how is None:
                raise InvalidInput(
                    N_("Choose how the questionnaire was given."),
                    {"mode": N_("Choose paper, phone or in person.")},
                )
            instrument = require_instrument(instrument_id)
            result = score(instrument.id, list(responses))
            self._platform.consent.require_flow(
                uow,
                person_id,
                Purpose.DIRECT_CARE,
                DataStream.QUESTIONNAIRES,
                f"{instrument.short_name} answers collected ({how.value})",
            )
            assignment = self._check_assignment(uow, person_id, instrument.id, assignment_id)
            if assignment is None and how is Mode.WEB:
                self._licensed_for_self(uow, instrument)
            now = uow.clock.now()
            when = completed_at or now
            if when.tzinfo is None or when > now + timedelta(minutes=5):
                raise InvalidInput(
                    N_("The date it was completed cannot be in the future."),
                    {"completed_at": N_("Enter a date that is not in the future.")},
                )
            if not result.valid and not result.risk_flag:
                raise InvalidInput(
                    N_("Some answers need checking."), problems_by_item(instrument, result)
                )
            row = (
                self._draft(uow, person_id, instrument.id, assignment_id)
                if how is Mode.WEB
                else None
            )
            if row is None:
                row = MeasureAdministration(
                    person_id=person_id,
                    instrument_id=instrument.id,
                    assignment_id=assignment.id if assignment else None,
                    started_at=now,
                )
                uow.session.add(row)
            row.mode = how.value
            row.status = SUBMITTED
            row.responses = json.dumps(list(result.item_scores))
            row.entered_by_id = actor.user_id if actor else None
            row.updated_at = now
            row.completed_at = when
            row.submitted_at = now
            row.total = None if result.total is None else float(result.total)
            row.severity = result.severity
            row.valid = result.valid
            row.risk_flag = result.risk_flag
            signals = _signals(instrument.id, result)
            row.extras = json.dumps(
                {
                    "errors": list(result.errors),
                    "risk_items": list(result.risk_items),
                    "subscales": dict(result.subscales),
                    "derived": dict(result.extras),
                }
            )
            uow.session.flush()
            uow.audit.record(
                actor,
                "measure_administration.submit",
                subject_type="measure_administration",
                subject_id=row.id,
                person_id=person_id,
                reason=access_reason(actor, person_id),
                details={
                    "instrument": instrument.id,
                    "mode": how.value,
                    "valid": result.valid,
                    "risk_flag": result.risk_flag,
                },
            )
            raised = False
            if result.risk_flag or signals.signals:
                self._platform.events.publish(
                    uow,
                    RiskSignalRaised(
                        person_id=person_id,
                        source="instrument",
                        source_id=row.id,
                        signals=signals.signals or tuple(result.risk_items),
                    ),
                )
                raised = True
                uow.audit.record(
                    actor,
                    "risk_signal.raise",
                    subject_type="measure_administration",
                    subject_id=row.id,
                    person_id=person_id,
                    reason="safety",
                    details={"instrument": instrument.id},
                )
            return SubmitOutcome(
                administration=_administration_view(row),
                risk_signalled=raised,
                shows_crisis_page=result.risk_flag or signals.crisis,
            )

    # -- reading --------------------------------------------------------------------------------
    def administration(
        self, actor: Actor | None, person_id: str, administration_id: str
    ) -> AdministrationView:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_READ, person_id)
            row = uow.session.get(MeasureAdministration, administration_id)
            if row is None or row.person_id != person_id or row.status != SUBMITTED:
                raise NotFound(N_("There is no such questionnaire result."))
            self._platform.consent.require_flow(
                uow,
                person_id,
                Purpose.DIRECT_CARE,
                DataStream.QUESTIONNAIRES,
                f"{row.instrument_id} result read",
            )
            uow.audit.record(
                actor,
                "measure_administration.read",
                subject_type="measure_administration",
                subject_id=row.id,
                person_id=person_id,
                reason=access_reason(actor, person_id),
            )
            return _administration_view(row)
