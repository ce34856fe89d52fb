"""The consent policy point as a service: every capability asks here before data flows.

``require_flow`` is the call other services make before they collect, read or process a person's
data for a purpose. It checks the person's consent history *at this moment* (through the pure
policy in ``withcare.domain.consent``) and records the flow, so the consent page can say honestly
what was used and when. Nothing else decides consent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from withcare.db.models import ConsentDecisionRow, DataFlowRow
from withcare.domain.consent import (
    Action,
    ConsentDecision,
    ConsentDocuments,
    ConsentHistory,
    ConsentItem,
    ConsentPage,
    DataFlow,
    DataStream,
    Decision,
    InvalidConsentDecision,
    Purpose,
    check,
    consent_page,
    consent_resources,
    load_documents,
    people_with_consent,
    record_decision,
    require,
)
from withcare.domain.consent import Actor as DecidedBy
from withcare.domain.roles import Role
from withcare.security.authorisation import Actor as AuthActor
from withcare.security.authorisation import Permission
from withcare.services.errors import N_, InvalidInput
from withcare.services.unit_of_work import UnitOfWork, access_reason

if TYPE_CHECKING:
    from withcare.services.platform import Platform


class ConsentPolicy:
    """The policy point over the database, inside a caller's unit of work (no actor needed).

    Code that already holds a unit of work (other services, the demo loader) uses this directly.
    """

    def __init__(self, documents: ConsentDocuments | None = None) -> None:
        self.documents = documents or load_documents()

    # -- reading --------------------------------------------------------------------------------
    def history(self, uow: UnitOfWork, person_id: str) -> ConsentHistory:
        rows = uow.session.execute(
            select(ConsentDecisionRow)
            .where(ConsentDecisionRow.person_id == person_id)
            .order_by(ConsentDecisionRow.at, ConsentDecisionRow.id)
        ).scalars()
        return ConsentHistory(
            tuple(
                ConsentDecision(
                    item=ConsentItem(Purpose(row.purpose), DataStream(row.stream)),
                    action=Action(row.action),
                    at=row.at,
                    document_version=row.document_version,
                    actor=DecidedBy(row.decided_by),
                    recorded_by=row.recorded_by,
                )
                for row in rows
            )
        )

    def flows(self, uow: UnitOfWork, person_id: str) -> list[DataFlow]:
        rows = uow.session.execute(
            select(DataFlowRow).where(DataFlowRow.person_id == person_id).order_by(DataFlowRow.at)
        ).scalars()
        return [
            DataFlow(Purpose(r.purpose), DataStream(r.stream), r.at, r.description) for r in rows
        ]

    def check(
        self, uow: UnitOfWork, person_id: str, purpose: Purpose, stream: DataStream
    ) -> Decision:
        """The answer without raising, for pages that explain why something is off."""
        return check(self.history(uow, person_id), purpose, stream, uow.clock.now(), self.documents)

    # -- the policy point -----------------------------------------------------------------------
    def require_flow(
        self,
        uow: UnitOfWork,
        person_id: str,
        purpose: Purpose,
        stream: DataStream,
        description: str = "",
    ) -> Decision:
        """Raise ``ConsentRequired`` unless ``stream`` may be used for ``purpose`` now; record it.

        ``description`` says in plain words what the use was (no personal data): it is shown to
        the person on their consent page.
        """
        history = self.history(uow, person_id)
        at = uow.clock.now()
        if history.decisions and history.decisions[-1].at > at:
            at = history.decisions[-1].at  # a decision nudged into this instant already applies
        decision = require(history, purpose, stream, at, self.documents)
        uow.session.add(
            DataFlowRow(
                person_id=person_id,
                purpose=purpose.value,
                stream=stream.value,
                at=at,
                description=description[:200],
            )
        )
        return decision

    def people_allowed(
        self,
        uow: UnitOfWork,
        person_ids: Iterable[str],
        purpose: Purpose,
        streams: Iterable[DataStream],
    ) -> frozenset[str]:
        """Of ``person_ids``, those whose data may be used for ``purpose`` from all ``streams``
        now (for research exports and population statistics)."""
        ids = list(person_ids)
        histories = {pid: self.history(uow, pid) for pid in ids}
        return people_with_consent(
            histories, purpose, list(streams), uow.clock.now(), self.documents
        )

    # -- recording decisions --------------------------------------------------------------------
    def record(
        self,
        uow: UnitOfWork,
        person_id: str,
        item: ConsentItem,
        action: Action,
        *,
        decided_by: DecidedBy,
        recorded_by: str,
        document_version: int | None = None,
    ) -> ConsentDecision:
        """Append a decision after the domain's rules accept it (callers authorise first)."""
        history = self.history(uow, person_id)
        at = uow.clock.now()
        if history.decisions and history.decisions[-1].at >= at:
            # rows are ordered by time; two decisions in one instant would have no stable order
            at = history.decisions[-1].at + timedelta(microseconds=1)
        last_flow = uow.session.execute(
            select(func.max(DataFlowRow.at)).where(DataFlowRow.person_id == person_id)
        ).scalar_one_or_none()
        if last_flow is not None:
            last_flow = last_flow if last_flow.tzinfo else last_flow.replace(tzinfo=UTC)
            if last_flow >= at:
                # a flow already made in this instant was made under the answer before this one
                at = last_flow + timedelta(microseconds=1)
        in_force = self.documents.in_force_at(at)
        if document_version is None and in_force is None:
            raise InvalidInput(
                N_("No consent document is in force yet, so nothing can be recorded.")
            )
        version = document_version or (in_force.number if in_force else 0)
        decision = ConsentDecision(item, action, at, version, decided_by, recorded_by)
        record_decision(history, decision, self.documents)
        uow.session.add(
            ConsentDecisionRow(
                person_id=person_id,
                purpose=item.purpose.value,
                stream=item.stream.value,
                action=action.value,
                at=at,
                document_version=version,
                decided_by=decided_by.value,
                recorded_by=recorded_by,
            )
        )
        uow.audit.record(
            uow.actor,
            "consent.decide",
            subject_type="person",
            subject_id=person_id,
            person_id=person_id,
            reason="consent",
            details={"item": str(item), "action": action.value, "version": version},
        )
        return decision

    # -- the person's consent page (issue 5) ----------------------------------------------------


class ConsentService(ConsentPolicy):
    """The policy point plus the person-facing use cases (the consent page, decisions, FHIR)."""

    def __init__(self, platform: Platform) -> None:
        super().__init__()
        self._platform = platform

    def _authorise_page(self, uow: UnitOfWork, person_id: str) -> DecidedBy:
        """Self and carers with proxy access manage; team clinicians record on the person's
        behalf (choices made on paper or by phone). Returns who the decision is by."""
        actor = uow.actor
        if actor is not None and actor.role is Role.CLINICIAN:
            uow.authorise_person(Permission.PERSON_CONSENT_RECORD_ON_BEHALF, person_id)
            return DecidedBy.STAFF_ON_BEHALF
        uow.authorise_person(Permission.PERSON_CONSENT_MANAGE, person_id)
        if actor is not None and actor.role is Role.CARER:
            return DecidedBy.PROXY
        return DecidedBy.SELF

    def page(self, actor: AuthActor | None, person_id: str, language: str = "en") -> ConsentPage:
        """Everything the consent page shows, in the person's language (``en`` or ``cy``)."""
        with self._platform.unit_of_work(actor) as uow:
            self._authorise_page(uow, person_id)
            history = self.history(uow, person_id)
            result = consent_page(
                history,
                self.flows(uow, person_id),
                _effective_now(uow, history),
                "cy" if language == "cy" else "en",
                self.documents,
            )
            uow.audit.record(
                actor,
                "consent.read",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason=access_reason(actor, person_id),
            )
            return result

    def decide(
        self,
        actor: AuthActor | None,
        person_id: str,
        purpose: str,
        stream: str,
        action: str,
    ) -> ConsentDecision:
        """A grant, refusal or withdrawal from the consent page (or recorded by staff)."""
        with self._platform.unit_of_work(actor) as uow:
            decided_by = self._authorise_page(uow, person_id)
            try:
                item = ConsentItem(Purpose(purpose), DataStream(stream))
                chosen = Action(action)
            except ValueError:
                raise InvalidInput(N_("That choice is not one the consent page offers.")) from None
            assert actor is not None
            try:
                return self.record(
                    uow, person_id, item, chosen, decided_by=decided_by, recorded_by=actor.user_id
                )
            except InvalidConsentDecision as error:
                raise InvalidInput(_plain(str(error))) from None

    def fhir_consents(self, actor: AuthActor | None, person_id: str) -> list[dict[str, Any]]:
        """The person's decisions as validated FHIR R4 Consent resources (JSON-ready)."""
        with self._platform.unit_of_work(actor) as uow:
            self._authorise_page(uow, person_id)
            resources = self.fhir_consents_in(uow, person_id)
            uow.audit.record(
                actor,
                "consent.export",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason=access_reason(actor, person_id),
                details={"resources": len(resources)},
            )
            return resources

    def fhir_consents_in(self, uow: UnitOfWork, person_id: str) -> list[dict[str, Any]]:
        """The FHIR Consent resources inside a caller's (already authorised) unit of work."""
        history = self.history(uow, person_id)
        resources = consent_resources(
            history, f"Patient/{person_id}", _effective_now(uow, history), self.documents
        )
        return [r.model_dump(mode="json", exclude_none=True) for r in resources]


def _effective_now(uow: UnitOfWork, history: ConsentHistory) -> datetime:
    """Now, or the latest decision if it was nudged a microsecond past now (see ``record``)."""
    now = uow.clock.now()
    return max(now, history.decisions[-1].at) if history.decisions else now


def _plain(message: str) -> str:
    if "proxy" in message and "only the person" in message:
        return "Only the person can change who may act for them."
    if "cannot act for the person" in message:
        return "You cannot act for this person: they have not allowed a carer to act for them."
    if "law requires" in message:
        return message[0].upper() + message[1:]
    if "nothing to withdraw" in message:
        return "There is nothing to withdraw for this item."
    return "That choice could not be recorded. Reload the page and try again."
