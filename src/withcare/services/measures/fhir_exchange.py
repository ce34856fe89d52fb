"""Exporting results as FHIR resources and importing a FHIR QuestionnaireResponse."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from withcare.domain.consent import DataStream, Purpose
from withcare.domain.measures import fhir as measures_fhir
from withcare.domain.measures import score
from withcare.security.authorisation import Actor, Permission
from withcare.services.errors import N_, InvalidInput, NotFound
from withcare.services.measures.administrations import AdministrationsMixin
from withcare.services.measures.instruments import instrument_or_none
from withcare.services.measures.views import SubmitOutcome, _administration_view
from withcare.services.measures.vocabulary import FHIR_SUBJECT, Mode
from withcare.services.unit_of_work import access_reason


class FhirExchangeMixin(AdministrationsMixin):
    def fhir_response(
        self, actor: Actor | None, person_id: str, administration_id: str, base_url: str
    ) -> dict[str, Any]:
        view = self.administration(actor, person_id, administration_id)
        resource = measures_fhir.questionnaire_response(
            view.instrument_id,
            _exportable(view.instrument_id, view.responses),
            subject=FHIR_SUBJECT.format(person_id=person_id),
            authored=view.completed_at or datetime.now(UTC),
            base_url=base_url,
            resource_id=view.id,
        )
        return dict(resource.model_dump(mode="json", exclude_none=True))

    def fhir_observation(
        self, actor: Actor | None, person_id: str, administration_id: str, base_url: str
    ) -> dict[str, Any]:
        view = self.administration(actor, person_id, administration_id)
        result = score(view.instrument_id, _exportable(view.instrument_id, view.responses))
        if not result.valid:
            raise NotFound(N_("This administration was incomplete, so it has no score to export."))
        resource = measures_fhir.score_observation(
            result,
            subject=FHIR_SUBJECT.format(person_id=person_id),
            effective=view.completed_at or datetime.now(UTC),
            derived_from=f"QuestionnaireResponse/{view.id}",
            base_url=base_url,
            resource_id=f"{view.id}-score",
        )
        return dict(resource.model_dump(mode="json", exclude_none=True))

    def fhir_bundle(self, actor: Actor | None, person_id: str, base_url: str) -> dict[str, Any]:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_READ, person_id)
            self._platform.consent.require_flow(
                uow,
                person_id,
                Purpose.DIRECT_CARE,
                DataStream.QUESTIONNAIRES,
                "Questionnaire results exported (FHIR)",
            )
            views = [_administration_view(r) for r in self._submitted(uow, person_id)]
            uow.audit.record(
                actor,
                "measure_bundle.export",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason=access_reason(actor, person_id),
                details={"administrations": len(views)},
            )
        administrations = [
            measures_fhir.Administration(
                v.instrument_id,
                _exportable(v.instrument_id, v.responses),
                v.completed_at or v.submitted_at or _EPOCH,
            )
            for v in views
        ]
        bundle = measures_fhir.measures_bundle(
            FHIR_SUBJECT.format(person_id=person_id), administrations, base_url
        )
        return dict(bundle.model_dump(mode="json", exclude_none=True))

    def import_fhir_response(
        self, actor: Actor | None, person_id: str, resource: Mapping[str, Any]
    ) -> SubmitOutcome:
        """Accept a QuestionnaireResponse for a library instrument: validate, score, store."""
        own = actor is not None and actor.person_id == person_id
        self.require_access(
            actor,
            person_id,
            Permission.PERSON_MEASURES_RESPOND if own else Permission.PERSON_MEASURES_ENTER,
        )
        try:
            parsed = measures_fhir.parse_questionnaire_response(resource)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise InvalidInput(
                N_("This is not a QuestionnaireResponse for one of our questionnaires."),
                {"resource": str(error)[:500]},
            ) from None
        expected = FHIR_SUBJECT.format(person_id=person_id)
        if parsed.subject not in (None, expected):
            raise InvalidInput(
                N_("The response is about someone else."),
                {"subject": N_("Use %(subject)s.")},
                params={"subject": repr(expected)},
            )
        completed = parsed.authored
        if completed is not None and completed.tzinfo is None:
            completed = completed.replace(tzinfo=UTC)
        return self.submit(
            actor,
            person_id,
            parsed.instrument_id,
            parsed.responses,
            mode=Mode.FHIR,
            completed_at=completed,
        )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _exportable(
    instrument_id: str, responses: Sequence[int | str | None]
) -> list[int | str | None]:
    """Stored answers as one slot per item (an invalid form may have been stored short)."""
    instrument = instrument_or_none(instrument_id)
    count = instrument.item_count if instrument else len(responses)
    values = list(responses)[:count]
    return values + [None] * (count - len(values))
