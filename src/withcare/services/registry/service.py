"""The one registry service class, composed from the parts of the work named by each module."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from withcare.db.models import User
from withcare.db.models.registry import RegistryReview
from withcare.services.privacy import PersonErased
from withcare.services.registry.browse import BrowseMixin
from withcare.services.registry.evaluation import EvaluationMixin
from withcare.services.registry.interchange import InterchangeMixin
from withcare.services.registry.outcomes import OutcomeSource, no_outcomes
from withcare.services.registry.recommendations import RecommendationsMixin
from withcare.services.registry.reviews import ReviewsMixin
from withcare.services.registry.seed import seed_registry
from withcare.services.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from withcare.services.platform import Platform


class RegistryService(
    BrowseMixin, EvaluationMixin, ReviewsMixin, RecommendationsMixin, InterchangeMixin
):
    """The registry use cases, composed from one mixin per part of the work."""

    def __init__(self, platform: Platform) -> None:
        self._platform = platform
        self.outcome_source: OutcomeSource = no_outcomes
        platform.events.subscribe(PersonErased, self._on_person_erased)

    def _on_person_erased(self, uow: UnitOfWork, event: PersonErased) -> None:
        """Erasure: delete the person's reviews (pending or published). Recommendations stay as
        part of the care record, without identity; their notes were encrypted with the person's
        key, which the erasure destroys."""
        accounts = list(
            uow.session.execute(select(User.id).where(User.person_id == event.person_id)).scalars()
        )
        rows = uow.session.execute(
            select(RegistryReview).where(
                (RegistryReview.person_id == event.person_id)
                | RegistryReview.author_ref.in_(accounts)
            )
        ).scalars()
        for row in list(rows):
            uow.session.delete(row)
        uow.session.flush()

    # ----------------------------------------------------------------------------------------
    # seed

    def seed_into(self, uow: UnitOfWork) -> int:
        """Load the shipped seed registry into an empty registry; returns technologies added."""
        return seed_registry(uow)

    def load_seed(self) -> int:
        with self._platform.unit_of_work(None) as uow:
            return self.seed_into(uow)
