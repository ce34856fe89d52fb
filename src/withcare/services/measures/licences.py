"""Which instruments may be assigned here, and administrators recording a held licence."""

from __future__ import annotations

from sqlalchemy import select

from withcare.db.models import InstrumentLicence
from withcare.domain.measures import all_instruments, assignment_blocked_reason
from withcare.security.authorisation import Actor, Permission, authorise
from withcare.services.errors import N_, InvalidInput
from withcare.services.measures.base import MeasuresBase
from withcare.services.measures.instruments import require_instrument
from withcare.services.measures.views import InstrumentSummary
from withcare.services.unit_of_work import UnitOfWork


class LicencesMixin(MeasuresBase):
    def _licences(self, uow: UnitOfWork) -> set[str]:
        return set(uow.session.execute(select(InstrumentLicence.instrument_id)).scalars())

    def instruments(self, actor: Actor | None) -> list[InstrumentSummary]:
        """Every instrument in the library, with whether it may be assigned here."""
        with self._platform.unit_of_work(actor) as uow:
            recorded = self._licences(uow)
        return [
            InstrumentSummary(
                id=i.id,
                name=i.name,
                short_name=i.short_name,
                items=i.item_count,
                requires_licence=i.licence.requires_registration,
                licence_recorded=i.id in recorded,
                licence_terms=i.licence.terms,
                blocked_reason=assignment_blocked_reason(i.id, recorded),
            )
            for i in all_instruments()
        ]

    def record_licence(self, actor: Actor | None, instrument_id: str, reference: str) -> None:
        """An administrator records that the service holds an instrument's licence."""
        authorise(actor, Permission.INSTRUMENT_LICENCES_MANAGE)
        assert actor is not None
        instrument = require_instrument(instrument_id)
        reference = reference.strip()
        if not reference or len(reference) > 200:
            raise InvalidInput(
                N_("Give the licence reference (up to 200 characters)."),
                {"reference": N_("Enter the licence or registration reference.")},
            )
        with self._platform.unit_of_work(actor) as uow:
            row = uow.session.get(InstrumentLicence, instrument.id)
            if row is None:
                row = InstrumentLicence(instrument_id=instrument.id)
                uow.session.add(row)
            row.reference = reference
            row.recorded_by_id = actor.user_id
            row.recorded_at = uow.clock.now()
            uow.audit.record(
                actor,
                "instrument_licence.record",
                subject_type="instrument",
                subject_id=instrument.id,
                reason="administration",
            )
