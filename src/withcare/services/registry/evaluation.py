"""Evaluator work: fact sheets and verification, classification overrides, self-assessment."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from withcare.db.models.registry import RegistryClassificationOverride, RegistrySelfAssessment
from withcare.domain.registry.assessment import SelfAssessment, self_assess
from withcare.domain.registry.classification import (
    ALLOWED_VALUES,
    ClassificationOutcome,
    Scheme,
    override_classification,
)
from withcare.domain.registry.facts import (
    FactEntry,
    FactLedger,
    FactPermissionError,
    check_fact,
    fact_catalogue,
)
from withcare.security.authorisation import Actor, Permission, authorise
from withcare.services.errors import N_, InvalidInput
from withcare.services.registry.base import RegistryBase
from withcare.services.registry.limits import MAX_REVIEW_CHARS, MIN_REASON_CHARS
from withcare.services.registry.storage import _append, _dump, _jsonable, _ledger
from withcare.services.registry.views import FactSheet, FactVersionView, SavedAssessment


class EvaluationMixin(RegistryBase):
    """Evaluator actions; each needs ``REGISTRY_EVALUATE``."""

    def fact_sheet(self, actor: Actor | None, technology_id: str) -> FactSheet:
        authorise(actor, Permission.REGISTRY_EVALUATE)
        with self._platform.unit_of_work(actor) as uow:
            profile = self._profile(uow.session, technology_id)
            ledger = _ledger(uow.session, technology_id)
            names = self._names(uow, (entry.recorded_by for entry in ledger.entries))
            catalogue = fact_catalogue()

            def view(entry: FactEntry) -> FactVersionView:
                definition = catalogue.get(entry.key)
                return FactVersionView(
                    key=entry.key,
                    question=definition.question if definition else entry.key,
                    value=entry.value,
                    previous=entry.previous,
                    version=entry.version,
                    recorded_by=names.get(entry.recorded_by, entry.recorded_by),
                    recorded_at=entry.recorded_at,
                    provenance=entry.provenance,
                    note=entry.note,
                )

            keys = sorted(ledger.current())
            current = tuple(view(e) for k in keys if (e := ledger.latest(k)) is not None)
            history = {k: tuple(view(e) for e in reversed(ledger.history(k))) for k in keys}
            return FactSheet(
                technology=profile.technology,
                current=current,
                history=history,
                classifications=self._classifications(uow.session, profile),
            )

    def verify_fact(self, actor: Actor | None, technology_id: str, key: str) -> int:
        """An evaluator confirms a fact's current value: a new version with who and when."""
        authorise(actor, Permission.REGISTRY_EVALUATE)
        assert actor is not None
        with self._platform.unit_of_work(actor) as uow:
            self._require_technology(uow.session, technology_id)
            ledger = _ledger(uow.session, technology_id)
            try:
                updated = ledger.verify(
                    key,
                    evaluator=actor.display_name or actor.user_id,
                    role=actor.role,
                    at=uow.clock.now(),
                )
            except KeyError:
                raise InvalidInput(
                    N_("That fact has no value to verify."),
                    {"key": N_("Choose a fact that has a value.")},
                ) from None
            except FactPermissionError:
                raise InvalidInput(N_("Only a technology evaluator can verify facts.")) from None
            except ValueError:  # the clock is behind the fact's last change
                raise InvalidInput(
                    N_("This could not be saved. Reload the page and try again.")
                ) from None
            entry = updated.entries[-1]
            updated = FactLedger(
                technology_id,
                (*updated.entries[:-1], _with_recorder(entry, actor.user_id)),
            )
            _append(uow.session, technology_id, updated)
            uow.audit.record(
                actor,
                "registry.fact.verify",
                subject_type="technology",
                subject_id=technology_id,
                reason="registry_evaluation",
                details={"key": key, "version": entry.version},
            )
            return entry.version

    def override(
        self, actor: Actor | None, technology_id: str, *, scheme: str, value: str, reason: str
    ) -> ClassificationOutcome:
        """A human decision over a computed class; refused without a written reason."""
        authorise(actor, Permission.REGISTRY_EVALUATE)
        assert actor is not None
        problems: dict[str, str] = {}
        try:
            chosen = Scheme(scheme)
        except ValueError:
            problems["scheme"] = N_("Choose one of: %(schemes)s.")
            chosen = None
        if chosen is not None and value not in ALLOWED_VALUES[chosen]:
            problems["value"] = N_("Choose one of: %(values)s.")
        if len(reason.strip()) < MIN_REASON_CHARS:
            problems["reason"] = N_(
                "Write the reason for overriding the rule (at least a sentence)."
            )
        elif len(reason) > MAX_REVIEW_CHARS:
            problems["reason"] = N_("Keep the reason under %(max)d characters.")
        if problems or chosen is None:
            raise InvalidInput(
                N_("The override was not saved."),
                problems,
                params={
                    "schemes": ", ".join(s.value for s in Scheme),
                    "values": ", ".join(ALLOWED_VALUES[chosen]) if chosen is not None else "",
                    "max": MAX_REVIEW_CHARS,
                },
            )
        with self._platform.unit_of_work(actor) as uow:
            profile = self._profile(uow.session, technology_id)
            computed = next(c for c in profile.classifications if c.scheme is chosen)
            outcome = override_classification(
                computed, value, reason=reason, by=actor.user_id, at=uow.clock.now()
            )
            assert outcome.override is not None
            uow.session.add(
                RegistryClassificationOverride(
                    technology_id=technology_id,
                    scheme=chosen.value,
                    value=outcome.override.value,
                    reason=outcome.override.reason,
                    made_by=actor.user_id,
                    made_at=outcome.override.at,
                    against_rule_version=outcome.override.against_rule_version,
                    against_value=outcome.override.against_value,
                )
            )
            uow.audit.record(
                actor,
                "registry.classification.override",
                subject_type="technology",
                subject_id=technology_id,
                reason="registry_evaluation",
                details={"scheme": chosen.value, "value": value},
            )
            return outcome

    # ----------------------------------------------------------------------------------------
    # self-assessment

    def _assess(
        self, session: Session, technology_id: str, answers: Mapping[str, object], at: datetime
    ) -> SelfAssessment:
        profile = self._profile(session, technology_id)
        return self_assess(
            answers,
            technology=profile.technology.name,
            at=at,
            regulated_as_device=profile.is_authorised,
        )

    def self_assessment(self, actor: Actor | None, technology_id: str) -> SavedAssessment:
        """The latest saved self-assessment, or one made from the registry's current facts."""
        authorise(actor, Permission.REGISTRY_EVALUATE)
        with self._platform.unit_of_work(actor) as uow:
            profile = self._profile(uow.session, technology_id)
            saved = (
                uow.session.execute(
                    select(RegistrySelfAssessment)
                    .where(RegistrySelfAssessment.technology_id == technology_id)
                    .order_by(RegistrySelfAssessment.saved_at.desc())
                )
                .scalars()
                .first()
            )
            if saved is not None:
                answers: dict[str, object] = json.loads(saved.answers)
                at = saved.saved_at
            else:
                answers = {k: _jsonable(v) for k, v in profile.facts.items()}
                at = uow.clock.now()
            return SavedAssessment(
                self._assess(uow.session, technology_id, answers, at),
                answers,
                saved.saved_at if saved else None,
            )

    def save_self_assessment(
        self, actor: Actor | None, technology_id: str, answers: Mapping[str, object]
    ) -> SavedAssessment:
        """Check every answer (a problem per field), then save them and assess."""
        authorise(actor, Permission.REGISTRY_EVALUATE)
        assert actor is not None
        problems: dict[str, str] = {}
        clean: dict[str, object] = {}
        for key, value in answers.items():
            try:
                clean[key] = _jsonable(check_fact(key, value))
            except ValueError as error:
                problems[key] = str(error)
        if problems:
            raise InvalidInput(N_("Some answers need correcting; nothing was saved."), problems)
        with self._platform.unit_of_work(actor) as uow:
            now = uow.clock.now()
            assessment = self._assess(uow.session, technology_id, clean, now)
            uow.session.add(
                RegistrySelfAssessment(
                    technology_id=technology_id,
                    answers=_dump(clean),
                    saved_by=actor.user_id,
                    saved_at=now,
                )
            )
            uow.audit.record(
                actor,
                "registry.self_assessment.save",
                subject_type="technology",
                subject_id=technology_id,
                reason="registry_evaluation",
                details={"answers": len(clean)},
            )
            return SavedAssessment(assessment, clean, now)


def _with_recorder(entry: FactEntry, user_id: str) -> FactEntry:
    return FactEntry(
        key=entry.key,
        value=entry.value,
        previous=entry.previous,
        version=entry.version,
        recorded_by=user_id,
        recorded_at=entry.recorded_at,
        provenance=entry.provenance,
        note=entry.note,
    )
