"""The state and shared reads every part of the registry service builds on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from withcare.db.models.registry import (
    RegistryClassificationOverride,
    RegistryFactVersion,
    RegistryRecommendation,
    RegistryReview,
    RegistryTechnology,
)
from withcare.domain.registry.bundle import RECORD_KINDS, RegistryBundle
from withcare.domain.registry.classification import ClassificationOutcome, Override, apply_override
from withcare.domain.registry.facts import FactEntry, FactLedger, ledger_to_facts
from withcare.domain.registry.outcomes import OutcomeSummary, summarise_outcomes
from withcare.domain.registry.reviews import FeedbackResponse
from withcare.domain.registry.search import Profile, build_profiles
from withcare.domain.registry.vocabulary import ReviewState
from withcare.services.errors import N_, NotFound
from withcare.services.registry.outcomes import OutcomeSource
from withcare.services.registry.seed import SEED_AUTHOR
from withcare.services.registry.storage import _JSON_TABLES, _entry_from_row, _review_from_row
from withcare.services.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from withcare.services.platform import Platform


class RegistryBase:
    """What every part of the service shares: the platform, the outcome seam, and reads."""

    _platform: Platform
    outcome_source: OutcomeSource

    # ----------------------------------------------------------------------------------------
    # reading and writing whole bundles

    def _ledgers(self, session: Session) -> dict[str, FactLedger]:
        rows = session.execute(
            select(RegistryFactVersion).order_by(
                RegistryFactVersion.technology_id,
                RegistryFactVersion.recorded_at,
                RegistryFactVersion.key,
                RegistryFactVersion.version,
            )
        ).scalars()
        entries: dict[str, list[FactEntry]] = defaultdict(list)
        for row in rows:
            entries[row.technology_id].append(_entry_from_row(row))
        return {tid: FactLedger(tid, tuple(items)) for tid, items in entries.items()}

    def _bundle(self, session: Session, *, all_reviews: bool = False) -> RegistryBundle:
        data: dict[str, list[BaseModel]] = {}
        for kind, (table, _columns) in _JSON_TABLES.items():
            model = RECORD_KINDS[kind]
            rows = session.execute(select(table).order_by(table.id)).scalars()
            data[kind] = [model.model_validate_json(row.record) for row in rows]
        ledgers = self._ledgers(session)
        data["facts"] = [fact for ledger in ledgers.values() for fact in ledger_to_facts(ledger)]
        reviews = session.execute(
            select(RegistryReview).order_by(RegistryReview.submitted_at)
        ).scalars()
        kept_reviews = [
            _review_from_row(r)
            for r in reviews
            if all_reviews or r.state == ReviewState.PUBLISHED.value
        ]
        data["reviews"] = list(kept_reviews)
        if not all_reviews:
            kept = {r.id for r in kept_reviews}
            data["feedback_responses"] = [
                f
                for f in data["feedback_responses"]
                if isinstance(f, FeedbackResponse) and set(f.review_ids) <= kept
            ]
        return RegistryBundle.model_validate({kind: tuple(items) for kind, items in data.items()})

    def _known_ids(self, session: Session) -> dict[str, list[str]]:
        known: dict[str, list[str]] = {}
        for kind, (table, _columns) in _JSON_TABLES.items():
            known[kind] = list(session.execute(select(table.id)).scalars())
        known["reviews"] = list(session.execute(select(RegistryReview.id)).scalars())
        known["facts"] = [
            fact_id
            for fact_id in session.execute(select(RegistryFactVersion.fact_id)).scalars()
            if fact_id is not None
        ]
        return known

    def _profiles(self, session: Session, only: Collection[str] | None = None) -> list[Profile]:
        return build_profiles(self._bundle(session), only)

    def _require_technology(self, session: Session, technology_id: str) -> None:
        """Refuse an unknown technology id with one lookup (no profile is built)."""
        if session.get(RegistryTechnology, technology_id) is None:
            raise NotFound(N_("There is no technology with this id in the registry."))

    def _profile(self, session: Session, technology_id: str) -> Profile:
        found = self._profiles(session, only={technology_id})
        if found:
            return found[0]
        raise NotFound(N_("There is no technology with this id in the registry."))

    def _outcomes(self, uow: UnitOfWork, technology_id: str) -> OutcomeSummary:
        people = sorted(
            set(
                uow.session.execute(
                    select(RegistryRecommendation.person_id).where(
                        RegistryRecommendation.technology_id == technology_id
                    )
                ).scalars()
            )
        )
        by_person = self.outcome_source(uow, people) if people else {}
        return summarise_outcomes([by_person[p] for p in people if p in by_person])

    def _classifications(
        self, session: Session, profile: Profile
    ) -> tuple[ClassificationOutcome, ...]:
        rows = session.execute(
            select(RegistryClassificationOverride)
            .where(RegistryClassificationOverride.technology_id == profile.technology.id)
            .order_by(RegistryClassificationOverride.made_at)
        ).scalars()
        latest: dict[str, Override] = {}
        for row in rows:
            latest[row.scheme] = Override(
                value=row.value,
                reason=row.reason,
                by=row.made_by,
                at=row.made_at,
                against_rule_version=row.against_rule_version,
                against_value=row.against_value,
            )
        return tuple(apply_override(c, latest.get(c.scheme.value)) for c in profile.classifications)

    def _names(self, uow: UnitOfWork, user_ids: Iterable[str | None]) -> dict[str, str]:
        """Display names of just these authors; the seed data's author has a fixed name."""
        names = uow.user_names(uid for uid in user_ids if uid != SEED_AUTHOR)
        names[SEED_AUTHOR] = "Withcare seed data"
        return names
