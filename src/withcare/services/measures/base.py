"""What every part of MeasuresService shares: the platform, the access check and shared queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from withcare.db.models import MeasureAdministration
from withcare.security.authorisation import Actor, Permission
from withcare.services.measures.vocabulary import DRAFT, SUBMITTED
from withcare.services.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from withcare.services.platform import Platform


class MeasuresBase:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    def require_access(self, actor: Actor | None, person_id: str, permission: Permission) -> None:
        """Refuse early (before reading any input) when the actor may not act for this person."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(permission, person_id)

    def _draft(
        self, uow: UnitOfWork, person_id: str, instrument_id: str, assignment_id: str | None
    ) -> MeasureAdministration | None:
        query = select(MeasureAdministration).where(
            MeasureAdministration.person_id == person_id,
            MeasureAdministration.instrument_id == instrument_id,
            MeasureAdministration.status == DRAFT,
        )
        if assignment_id is None:
            query = query.where(MeasureAdministration.assignment_id.is_(None))
        else:
            query = query.where(MeasureAdministration.assignment_id == assignment_id)
        return (
            uow.session.execute(query.order_by(MeasureAdministration.updated_at.desc()))
            .scalars()
            .first()
        )

    def _submitted(self, uow: UnitOfWork, person_id: str) -> list[MeasureAdministration]:
        return list(
            uow.session.execute(
                select(MeasureAdministration)
                .where(
                    MeasureAdministration.person_id == person_id,
                    MeasureAdministration.status == SUBMITTED,
                )
                .order_by(MeasureAdministration.completed_at, MeasureAdministration.id)
            ).scalars()
        )
