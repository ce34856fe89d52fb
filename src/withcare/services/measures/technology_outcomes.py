"""Real-world outcomes for the technology registry, computed from people's questionnaires.

The registry asks, for the people a technology was recommended to, whether each reliably improved
and recovered (NHS Talking Therapies definitions over PHQ-9 and GAD-7). Only people who agreed to
their questionnaires being used for population statistics are counted (P6); the registry then
suppresses small numbers before anything is shown (P5).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from sqlalchemy import select

from withcare.db.models import MeasureAdministration
from withcare.domain.consent import DataStream, Purpose
from withcare.domain.measures import course_outcome
from withcare.domain.registry.outcomes import PersonOutcome
from withcare.services.measures.base import MeasuresBase
from withcare.services.measures.vocabulary import SUBMITTED
from withcare.services.unit_of_work import UnitOfWork


class TechnologyOutcomesMixin(MeasuresBase):
    def technology_outcomes(
        self, uow: UnitOfWork, person_ids: Sequence[str]
    ) -> Mapping[str, PersonOutcome]:
        """Per consenting person with at least two valid PHQ-9 and GAD-7 scores: their outcome.

        Recovery is only defined for people at caseness at the start, so it is ``None`` otherwise.
        """
        allowed = self._platform.consent.people_allowed(
            uow, person_ids, Purpose.POPULATION_STATISTICS, [DataStream.QUESTIONNAIRES]
        )
        if not allowed:
            return {}
        rows = uow.session.execute(
            select(
                MeasureAdministration.person_id,
                MeasureAdministration.instrument_id,
                MeasureAdministration.total,
            )
            .where(
                MeasureAdministration.person_id.in_(sorted(allowed)),
                MeasureAdministration.status == SUBMITTED,
                MeasureAdministration.valid.is_(True),
                MeasureAdministration.instrument_id.in_(("phq9", "gad7")),
                MeasureAdministration.total.is_not(None),
            )
            .order_by(MeasureAdministration.completed_at, MeasureAdministration.id)
        ).all()
        totals: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for person_id, instrument_id, total in rows:
            if total is not None:
                totals[person_id][instrument_id].append(int(total))
        outcomes: dict[str, PersonOutcome] = {}
        for person_id, by_instrument in totals.items():
            phq9, gad7 = by_instrument.get("phq9", []), by_instrument.get("gad7", [])
            if len(phq9) < 2 or len(gad7) < 2:
                continue
            course = course_outcome(phq9[0], phq9[-1], gad7[0], gad7[-1])
            outcomes[person_id] = PersonOutcome(
                reliable_improvement=course.reliable_improvement,
                recovery=course.recovered if course.at_caseness_start else None,
            )
        for person_id in outcomes:
            self._platform.consent.require_flow(
                uow,
                person_id,
                Purpose.POPULATION_STATISTICS,
                DataStream.QUESTIONNAIRES,
                "technology outcome statistics in the registry",
            )
        return outcomes
