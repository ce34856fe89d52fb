"""The technology evidence and regulation registry in the platform (issue 6, P7, P4, P8).

The pure core (:mod:`withcare.domain.registry`) decides what a valid record is, derives every
classification and framework result, and words the plain summaries. This service stores the
records (``withcare.db.models.registry``), authorises each use case, and audits every read and
write of personal data: recommendations (always about a person) and reviews written by a person.

Public browsing needs no account (people seeking help). Evaluator actions (verify a fact,
override a class, moderate reviews, import, export, self-assessment) need ``REGISTRY_EVALUATE``.

Seam for measures: real-world outcomes come from :attr:`RegistryService.outcome_source`, a
function from the ids of people recommended a technology to their per-person
:class:`~withcare.domain.registry.outcomes.PersonOutcome` (reliable improvement, recovery).
Until the measures capability sets it, it returns nothing and every summary says "fewer than
10 people". Suppression is the core's (:func:`summarise_outcomes`), never re-implemented here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from withcare.db.models import User
from withcare.db.models.registry import (
    RegistryClassificationOverride,
    RegistryDesignation,
    RegistryFactVersion,
    RegistryFeedbackResponse,
    RegistryGuidance,
    RegistryIntendedUse,
    RegistryOrganisation,
    RegistryProfessionalAssessment,
    RegistryRecommendation,
    RegistryRegulatoryRecord,
    RegistryReview,
    RegistrySelfAssessment,
    RegistryStudy,
    RegistryTechnology,
    RegistryTechnologyVersion,
)
from withcare.db.types import new_id
from withcare.domain.registry.assessment import SelfAssessment, self_assess
from withcare.domain.registry.bundle import RECORD_KINDS, RegistryBundle
from withcare.domain.registry.classification import (
    ALLOWED_VALUES,
    ClassificationOutcome,
    Override,
    Scheme,
    apply_override,
    override_classification,
)
from withcare.domain.registry.facts import (
    FactEntry,
    FactLedger,
    FactPermissionError,
    check_fact,
    fact_catalogue,
    ledger_to_facts,
)
from withcare.domain.registry.interchange import (
    Accepted,
    ImportResult,
    bundle_to_json,
    import_csv,
    import_json,
    records_to_csv,
)
from withcare.domain.registry.model import FactValue, Provenance, Technology
from withcare.domain.registry.outcomes import OutcomeSummary, PersonOutcome, summarise_outcomes
from withcare.domain.registry.privacy import PrivacySecurityProfile, privacy_profile
from withcare.domain.registry.reviews import (
    FeedbackResponse,
    ModerationError,
    UserReview,
    publish,
    published,
    reject,
    respond_to_feedback,
)
from withcare.domain.registry.search import (
    MAX_COMPARED,
    Filters,
    PlainSummary,
    Profile,
    build_profiles,
    compare,
    plain_summary,
    search,
)
from withcare.domain.registry.seed import seed_bundle
from withcare.domain.registry.vocabulary import ReviewerKind, ReviewState
from withcare.domain.roles import Role
from withcare.security.authorisation import Actor, Permission, authorise
from withcare.security.field_encryption import FieldEncryptionError
from withcare.services.errors import InvalidInput, NotFound
from withcare.services.pagination import Page, PageRequest
from withcare.services.privacy import PersonErased
from withcare.services.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from withcare.services.platform import Platform

#: From the ids of people recommended a technology to their per-person outcomes (measures seam).
OutcomeSource = Callable[[Sequence[str]], Mapping[str, PersonOutcome]]

SEED_AUTHOR = "withcare-seed"
MAX_IMPORT_BYTES = 2_000_000
MAX_REVIEW_CHARS = 4000
MAX_NOTE_CHARS = 300
MIN_REASON_CHARS = 10


def no_outcomes(person_ids: Sequence[str]) -> Mapping[str, PersonOutcome]:
    """The default outcome source until measures are wired: nobody has outcomes yet."""
    return {}


class ImportRefused(InvalidInput):
    """An import with problems: nothing was written; ``lines`` says what to fix, line by line."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__(
            f"Nothing was imported: {len(lines)} problem(s) to fix.", {"file": "; ".join(lines)}
        )
        self.lines = tuple(lines)


@dataclass(frozen=True)
class SearchOptions:
    """The values each filter can take, from what the registry holds."""

    conditions: tuple[str, ...]
    cost_models: tuple[str, ...]
    platforms: tuple[str, ...]
    languages: tuple[str, ...]
    accessibility_features: tuple[str, ...]


@dataclass(frozen=True)
class TechnologyPage:
    profile: Profile
    summary: PlainSummary
    privacy: PrivacySecurityProfile
    classifications: tuple[ClassificationOutcome, ...]
    reviews: tuple[UserReview, ...]
    feedback: tuple[FeedbackResponse, ...]
    outcomes: OutcomeSummary


@dataclass(frozen=True)
class Comparison:
    profiles: tuple[Profile, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class FactVersionView:
    key: str
    question: str
    value: FactValue | None
    previous: FactValue | None
    version: int
    recorded_by: str
    recorded_at: datetime
    provenance: Provenance
    note: str | None


@dataclass(frozen=True)
class FactSheet:
    technology: Technology
    current: tuple[FactVersionView, ...]
    history: Mapping[str, tuple[FactVersionView, ...]]
    classifications: tuple[ClassificationOutcome, ...]


@dataclass(frozen=True)
class ReviewView:
    review: UserReview
    technology_name: str


@dataclass(frozen=True)
class RecommendationView:
    id: str
    technology_id: str
    technology_name: str
    clinician: str
    recommended_at: datetime
    note: str | None


@dataclass(frozen=True)
class SavedAssessment:
    assessment: SelfAssessment
    answers: Mapping[str, object]
    saved_at: datetime | None


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _load_value(text: str | None) -> FactValue | None:
    if text is None:
        return None
    raw = json.loads(text)
    if isinstance(raw, list):
        return tuple(str(item) for item in raw)
    value: FactValue = raw
    return value


def _jsonable(value: FactValue | None) -> object:
    return list(value) if isinstance(value, tuple) else value


#: Record kinds stored as JSON in a ``record`` column, with the table and its key columns.
_JSON_TABLES: Mapping[str, tuple[type[Any], Callable[[Any], dict[str, object]]]] = {
    "organisations": (RegistryOrganisation, lambda r: {"name": r.name}),
    "technologies": (
        RegistryTechnology,
        lambda r: {"organisation_id": r.organisation_id, "name": r.name, "kind": r.kind.value},
    ),
    "versions": (
        RegistryTechnologyVersion,
        lambda r: {"technology_id": r.technology_id, "version": r.version},
    ),
    "intended_uses": (
        RegistryIntendedUse,
        lambda r: {
            "technology_id": r.technology_id,
            "condition": r.condition,
            "significance": r.significance.value,
            "seriousness": r.seriousness.value,
        },
    ),
    "regulatory_records": (
        RegistryRegulatoryRecord,
        lambda r: {
            "technology_id": r.technology_id,
            "jurisdiction": r.jurisdiction.value,
            "pathway": r.pathway.value,
            "status": r.status.value,
        },
    ),
    "designations": (
        RegistryDesignation,
        lambda r: {"technology_id": r.technology_id, "kind": r.kind.value},
    ),
    "guidance_records": (
        RegistryGuidance,
        lambda r: {"technology_id": r.technology_id, "recommendation": r.recommendation.value},
    ),
    "studies": (RegistryStudy, lambda r: {"technology_id": r.technology_id, "design": r.design}),
    "professional_assessments": (
        RegistryProfessionalAssessment,
        lambda r: {"technology_id": r.technology_id},
    ),
    "feedback_responses": (
        RegistryFeedbackResponse,
        lambda r: {"technology_id": r.technology_id},
    ),
}


def _review_from_row(row: RegistryReview) -> UserReview:
    return UserReview(
        id=row.id,
        technology_id=row.technology_id,
        reviewer_kind=ReviewerKind(row.reviewer_kind),
        author_ref=row.author_ref,
        rating=row.rating,
        text=row.text,
        submitted_at=row.submitted_at,
        state=ReviewState(row.state),
        moderated_by=row.moderated_by,
        moderated_at=row.moderated_at,
        moderation_reason=row.moderation_reason,
    )


def _entry_from_row(row: RegistryFactVersion) -> FactEntry:
    return FactEntry(
        key=row.key,
        value=_load_value(row.value),
        previous=_load_value(row.previous),
        version=row.version,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        provenance=Provenance.model_validate_json(row.provenance),
        note=row.note,
    )


def _reviewer_kind(role: Role) -> ReviewerKind:
    if role is Role.PERSON_IN_CARE:
        return ReviewerKind.LIVED_EXPERIENCE
    if role is Role.CARER:
        return ReviewerKind.CARER
    return ReviewerKind.PROFESSIONAL


def _ledger(session: Session, technology_id: str) -> FactLedger:
    rows = session.execute(
        select(RegistryFactVersion)
        .where(RegistryFactVersion.technology_id == technology_id)
        .order_by(
            RegistryFactVersion.recorded_at,
            RegistryFactVersion.key,
            RegistryFactVersion.version,
        )
    ).scalars()
    return FactLedger(technology_id, tuple(_entry_from_row(row) for row in rows))


def _write(uow: UnitOfWork, bundle: RegistryBundle, by: str) -> dict[str, int]:
    """Write a validated bundle in the caller's transaction (all of it, or none on error)."""
    now = uow.clock.now()
    session = uow.session
    for kind in RECORD_KINDS:
        if kind in _JSON_TABLES:
            table, columns = _JSON_TABLES[kind]
            for record in bundle.records(kind):
                extra: dict[str, object] = {"created_at": now} if kind == "technologies" else {}
                session.add(
                    table(
                        id=record.id,
                        record=record.model_dump_json(exclude_none=True),
                        **columns(record),
                        **extra,
                    )
                )
            session.flush()
        elif kind == "facts":
            ledgers: dict[str, FactLedger] = {}
            for fact in bundle.facts:
                ledger = ledgers.get(fact.technology_id) or _ledger(session, fact.technology_id)
                value = list(fact.value) if isinstance(fact.value, tuple) else fact.value
                updated = ledger.record(fact.key, value, by=by, at=now, provenance=fact.provenance)
                if updated is not ledger:
                    _append(session, fact.technology_id, updated, fact_id=fact.id)
                ledgers[fact.technology_id] = updated
            session.flush()
        elif kind == "reviews":
            for review in bundle.reviews:
                session.add(
                    RegistryReview(
                        id=review.id,
                        technology_id=review.technology_id,
                        reviewer_kind=review.reviewer_kind.value,
                        author_ref=review.author_ref,
                        person_id=None,
                        rating=review.rating,
                        text=review.text,
                        submitted_at=review.submitted_at,
                        state=review.state.value,
                        moderated_by=review.moderated_by,
                        moderated_at=review.moderated_at,
                        moderation_reason=review.moderation_reason,
                    )
                )
            session.flush()
    return {kind: len(bundle.records(kind)) for kind in RECORD_KINDS}


def _append(
    session: Session, technology_id: str, ledger: FactLedger, *, fact_id: str | None = None
) -> None:
    entry = ledger.entries[-1]
    session.add(
        RegistryFactVersion(
            technology_id=technology_id,
            fact_id=fact_id,
            key=entry.key,
            version=entry.version,
            value=None if entry.value is None else _dump(_jsonable(entry.value)),
            previous=None if entry.previous is None else _dump(_jsonable(entry.previous)),
            recorded_by=entry.recorded_by,
            recorded_at=entry.recorded_at,
            provenance=entry.provenance.model_dump_json(exclude_none=True),
            verified=entry.provenance.is_verified,
            note=entry.note,
        )
    )
    session.flush()


class RegistryService:
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

    # ----------------------------------------------------------------------------------------
    # seed

    def seed_into(self, uow: UnitOfWork) -> int:
        """Load the shipped seed registry into an empty registry; returns technologies added."""
        return seed_registry(uow)

    def load_seed(self) -> int:
        with self._platform.unit_of_work(None) as uow:
            return self.seed_into(uow)

    # ----------------------------------------------------------------------------------------
    # public browsing

    def _profiles(self, session: Session) -> list[Profile]:
        return build_profiles(self._bundle(session))

    def _profile(self, session: Session, technology_id: str) -> Profile:
        for profile in self._profiles(session):
            if profile.technology.id == technology_id:
                return profile
        raise NotFound("There is no technology with this id in the registry.")

    def search(self, actor: Actor | None, filters: Filters, request: PageRequest) -> Page[Profile]:
        authorise(actor, Permission.PUBLIC)
        with self._platform.unit_of_work(actor) as uow:
            found = search(self._profiles(uow.session), filters)
        items = found[request.offset : request.offset + request.per_page]
        return Page(items, request.page, request.per_page, len(found))

    def options(self) -> SearchOptions:
        with self._platform.unit_of_work(None) as uow:
            profiles = self._profiles(uow.session)

        def listed(key: str) -> tuple[str, ...]:
            values: set[str] = set()
            for p in profiles:
                value = p.facts.get(key)
                if isinstance(value, tuple):
                    values.update(value)
                elif isinstance(value, str):
                    values.add(value)
            return tuple(sorted(values))

        conditions = sorted({c for p in profiles for c in p.conditions}, key=str.casefold)
        return SearchOptions(
            conditions=tuple(conditions),
            cost_models=listed("access.cost_model"),
            platforms=listed("access.platforms"),
            languages=listed("access.languages"),
            accessibility_features=listed("access.accessibility_features"),
        )

    def _outcomes(self, session: Session, technology_id: str) -> OutcomeSummary:
        people = sorted(
            set(
                session.execute(
                    select(RegistryRecommendation.person_id).where(
                        RegistryRecommendation.technology_id == technology_id
                    )
                ).scalars()
            )
        )
        by_person = self.outcome_source(people) if people else {}
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

    def technology(self, actor: Actor | None, technology_id: str) -> TechnologyPage:
        authorise(actor, Permission.PUBLIC)
        with self._platform.unit_of_work(actor) as uow:
            bundle = self._bundle(uow.session)
            profile = next(
                (p for p in build_profiles(bundle) if p.technology.id == technology_id), None
            )
            if profile is None:
                raise NotFound("There is no technology with this id in the registry.")
            return TechnologyPage(
                profile=profile,
                summary=plain_summary(profile),
                privacy=privacy_profile(profile.facts),
                classifications=self._classifications(uow.session, profile),
                reviews=tuple(published(list(bundle.reviews), technology_id)),
                feedback=bundle.for_technology("feedback_responses", technology_id),
                outcomes=self._outcomes(uow.session, technology_id),
            )

    def classifications(
        self, actor: Actor | None, technology_id: str
    ) -> tuple[ClassificationOutcome, ...]:
        authorise(actor, Permission.PUBLIC)
        with self._platform.unit_of_work(actor) as uow:
            return self._classifications(uow.session, self._profile(uow.session, technology_id))

    def compare(self, actor: Actor | None, technology_ids: Sequence[str]) -> Comparison:
        authorise(actor, Permission.PUBLIC)
        ids = list(dict.fromkeys(i.strip() for i in technology_ids if i.strip()))
        if not ids:
            raise InvalidInput(
                "Choose at least one technology to compare.", {"ids": "Choose 1 to 4."}
            )
        if len(ids) > MAX_COMPARED:
            raise InvalidInput(
                f"You can compare up to {MAX_COMPARED} technologies at a time.",
                {"ids": f"Choose at most {MAX_COMPARED}."},
            )
        with self._platform.unit_of_work(actor) as uow:
            by_id = {p.technology.id: p for p in self._profiles(uow.session)}
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise InvalidInput(
                "Some of the technologies to compare are not in the registry.",
                {"ids": "Not in the registry: " + ", ".join(unknown)[:200]},
            )
        chosen = [by_id[i] for i in ids]
        rows = tuple((label, tuple(cells)) for label, cells in compare(chosen))
        return Comparison(tuple(chosen), rows)

    # ----------------------------------------------------------------------------------------
    # evaluators: facts, verification, overrides

    def _names(self, session: Session) -> dict[str, str]:
        names = dict(session.execute(select(User.id, User.display_name)).all())
        names[SEED_AUTHOR] = "Withcare seed data"
        return names

    def fact_sheet(self, actor: Actor | None, technology_id: str) -> FactSheet:
        authorise(actor, Permission.REGISTRY_EVALUATE)
        with self._platform.unit_of_work(actor) as uow:
            profile = self._profile(uow.session, technology_id)
            ledger = _ledger(uow.session, technology_id)
            names = self._names(uow.session)
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
            self._profile(uow.session, technology_id)
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
                    "That fact has no value to verify.", {"key": "Choose a fact that has a value."}
                ) from None
            except FactPermissionError as error:
                raise InvalidInput(str(error)) from None
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
            problems["scheme"] = "Choose one of: " + ", ".join(s.value for s in Scheme) + "."
            chosen = None
        if chosen is not None and value not in ALLOWED_VALUES[chosen]:
            problems["value"] = "Choose one of: " + ", ".join(ALLOWED_VALUES[chosen]) + "."
        if len(reason.strip()) < MIN_REASON_CHARS:
            problems["reason"] = "Write the reason for overriding the rule (at least a sentence)."
        elif len(reason) > MAX_REVIEW_CHARS:
            problems["reason"] = f"Keep the reason under {MAX_REVIEW_CHARS} characters."
        if problems or chosen is None:
            raise InvalidInput("The override was not saved.", problems)
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
            raise InvalidInput("Some answers need correcting; nothing was saved.", problems)
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

    # ----------------------------------------------------------------------------------------
    # reviews (P8)

    def submit_review(
        self, actor: Actor | None, technology_id: str, *, rating: int | None, text: str
    ) -> str:
        authorise(actor, Permission.AUTHENTICATED)
        assert actor is not None
        problems: dict[str, str] = {}
        if rating is not None and not 1 <= rating <= 5:
            problems["rating"] = "Choose a rating from 1 to 5, or leave it out."
        if not text.strip():
            problems["text"] = "Write your review."
        elif len(text) > MAX_REVIEW_CHARS:
            problems["text"] = f"Keep your review under {MAX_REVIEW_CHARS} characters."
        if problems:
            raise InvalidInput("Your review was not sent.", problems)
        with self._platform.unit_of_work(actor) as uow:
            self._profile(uow.session, technology_id)
            row = RegistryReview(
                technology_id=technology_id,
                reviewer_kind=_reviewer_kind(actor.role).value,
                author_ref=actor.user_id,
                person_id=actor.person_id,
                rating=rating,
                text=text.strip(),
                submitted_at=uow.clock.now(),
                state=ReviewState.PENDING.value,
            )
            uow.session.add(row)
            uow.session.flush()
            uow.audit.record(
                actor,
                "registry.review.create",
                subject_type="registry_review",
                subject_id=row.id,
                person_id=actor.person_id,
                reason="involvement",
                details={"technology": technology_id},
            )
            return row.id

    def pending_reviews(self, actor: Actor | None) -> list[ReviewView]:
        authorise(actor, Permission.REGISTRY_EVALUATE)
        with self._platform.unit_of_work(actor) as uow:
            names = dict(
                uow.session.execute(select(RegistryTechnology.id, RegistryTechnology.name)).all()
            )
            rows = list(
                uow.session.execute(
                    select(RegistryReview)
                    .where(RegistryReview.state == ReviewState.PENDING.value)
                    .order_by(RegistryReview.submitted_at)
                ).scalars()
            )
            for row in rows:
                uow.audit.record(
                    actor,
                    "registry.review.read",
                    subject_type="registry_review",
                    subject_id=row.id,
                    person_id=row.person_id,
                    reason="moderation",
                )
            return [ReviewView(_review_from_row(r), names.get(r.technology_id, "")) for r in rows]

    def moderate(
        self, actor: Actor | None, review_id: str, *, decision: str, reason: str = ""
    ) -> UserReview:
        authorise(actor, Permission.REGISTRY_EVALUATE)
        assert actor is not None
        if decision not in ("publish", "reject"):
            raise InvalidInput(
                "Choose whether to publish or reject.", {"decision": "Choose publish or reject."}
            )
        if decision == "reject" and not reason.strip():
            raise InvalidInput(
                "A rejection needs a reason the reviewer can read.",
                {"reason": "Say why the review is not published."},
            )
        if len(reason) > MAX_REVIEW_CHARS:
            raise InvalidInput(
                "The reason is too long.", {"reason": f"Use under {MAX_REVIEW_CHARS} characters."}
            )
        with self._platform.unit_of_work(actor) as uow:
            row = uow.session.get(RegistryReview, review_id)
            if row is None:
                raise NotFound("There is no review with this id.")
            review = _review_from_row(row)
            now = max(uow.clock.now(), review.submitted_at)
            try:
                if decision == "publish":
                    done = publish(review, moderator=actor.user_id, role=actor.role, at=now)
                else:
                    done = reject(
                        review, moderator=actor.user_id, role=actor.role, at=now, reason=reason
                    )
            except ModerationError as error:
                raise InvalidInput(str(error), {"decision": str(error)}) from None
            row.state = done.state.value
            row.moderated_by = done.moderated_by
            row.moderated_at = done.moderated_at
            row.moderation_reason = done.moderation_reason
            uow.audit.record(
                actor,
                "registry.review.moderate",
                subject_type="registry_review",
                subject_id=row.id,
                person_id=row.person_id,
                reason="moderation",
                details={"decision": decision},
            )
            return done

    def respond_to_reviews(
        self,
        actor: Actor | None,
        technology_id: str,
        *,
        review_ids: Sequence[str],
        what_changed: str,
    ) -> str:
        """Record what changed because of published reviews (P8), shown on the public page."""
        authorise(actor, Permission.REGISTRY_EVALUATE)
        assert actor is not None
        problems: dict[str, str] = {}
        if not review_ids:
            problems["review_ids"] = "Tick the reviews that led to the change."
        if not what_changed.strip():
            problems["what_changed"] = "Say what changed."
        elif len(what_changed) > MAX_REVIEW_CHARS:
            problems["what_changed"] = f"Keep it under {MAX_REVIEW_CHARS} characters."
        if problems:
            raise InvalidInput("Nothing was recorded.", problems)
        with self._platform.unit_of_work(actor) as uow:
            self._profile(uow.session, technology_id)
            rows = [uow.session.get(RegistryReview, rid) for rid in dict.fromkeys(review_ids)]
            reviews = [
                _review_from_row(r)
                for r in rows
                if r is not None and r.technology_id == technology_id
            ]
            if len(reviews) != len(rows):
                raise InvalidInput(
                    "Some reviews are not reviews of this technology.",
                    {"review_ids": "Tick only published reviews of this technology."},
                )
            try:
                response = respond_to_feedback(
                    new_id(),
                    reviews,
                    what_changed=what_changed.strip(),
                    by=actor.user_id,
                    at=uow.clock.now(),
                )
            except ValueError as error:
                raise InvalidInput(str(error), {"review_ids": str(error)}) from None
            uow.session.add(
                RegistryFeedbackResponse(
                    id=response.id,
                    technology_id=technology_id,
                    record=response.model_dump_json(exclude_none=True),
                )
            )
            uow.audit.record(
                actor,
                "registry.feedback_response.create",
                subject_type="technology",
                subject_id=technology_id,
                reason="involvement",
                details={"reviews": len(reviews)},
            )
            return response.id

    # ----------------------------------------------------------------------------------------
    # clinicians: recommending a technology to a person in their care

    def recommendations_for(self, actor: Actor | None, person_id: str) -> list[RecommendationView]:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_RECOMMEND_TECHNOLOGY, person_id)
            names = self._names(uow.session)
            technologies = dict(
                uow.session.execute(select(RegistryTechnology.id, RegistryTechnology.name)).all()
            )
            rows = uow.session.execute(
                select(RegistryRecommendation)
                .where(RegistryRecommendation.person_id == person_id)
                .order_by(RegistryRecommendation.recommended_at.desc())
            ).scalars()
            views = [
                RecommendationView(
                    id=r.id,
                    technology_id=r.technology_id,
                    technology_name=technologies.get(r.technology_id, r.technology_id),
                    clinician=names.get(r.clinician_id, ""),
                    recommended_at=r.recommended_at,
                    note=self._note(uow, r),
                )
                for r in rows
            ]
            uow.audit.record(
                actor,
                "registry.recommendation.read",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason="direct_care",
                details={"count": len(views)},
            )
            return views

    def recommend(
        self, actor: Actor | None, person_id: str, *, technology_id: str, note: str = ""
    ) -> str:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_RECOMMEND_TECHNOLOGY, person_id)
            assert actor is not None
            problems: dict[str, str] = {}
            if not technology_id or uow.session.get(RegistryTechnology, technology_id) is None:
                problems["technology_id"] = "Choose a technology from the registry."
            if len(note) > MAX_NOTE_CHARS:
                problems["note"] = f"Keep the note under {MAX_NOTE_CHARS} characters."
            if problems:
                raise InvalidInput("The recommendation was not saved.", problems)
            row_id = new_id()
            row = RegistryRecommendation(
                id=row_id,
                technology_id=technology_id,
                person_id=person_id,
                clinician_id=actor.user_id,
                recommended_at=uow.clock.now(),
                note_encrypted=self._platform.crypto.encrypt(
                    uow, person_id, "registry_recommendation", row_id, "note", note.strip()
                )
                if note.strip()
                else "",
            )
            uow.session.add(row)
            uow.session.flush()
            uow.audit.record(
                actor,
                "registry.recommendation.create",
                subject_type="registry_recommendation",
                subject_id=row.id,
                person_id=person_id,
                reason="direct_care",
                details={"technology": technology_id},
            )
            return row.id

    def _note(self, uow: UnitOfWork, row: RegistryRecommendation) -> str | None:
        if not row.note_encrypted:
            return None
        try:
            return self._platform.crypto.decrypt(
                uow, row.person_id, "registry_recommendation", row.id, "note", row.note_encrypted
            )
        except FieldEncryptionError:
            return "(note no longer readable)"

    def technology_choices(self) -> list[tuple[str, str]]:
        """(id, name) of every technology, by name, for pick lists."""
        with self._platform.unit_of_work(None) as uow:
            rows = uow.session.execute(
                select(RegistryTechnology.id, RegistryTechnology.name).order_by(
                    RegistryTechnology.name
                )
            ).all()
        return [(str(i), str(n)) for i, n in rows]

    # ----------------------------------------------------------------------------------------
    # import and export

    def import_text(
        self, actor: Actor | None, text: str, *, file_format: str, kind: str | None = None
    ) -> dict[str, int]:
        """All or nothing: a refused import raises :class:`ImportRefused` and writes nothing."""
        authorise(actor, Permission.REGISTRY_EVALUATE)
        assert actor is not None
        if file_format not in ("json", "csv"):
            raise InvalidInput(
                "Only JSON and CSV files can be imported.", {"file": "Use .json or .csv."}
            )
        if file_format == "csv" and kind not in RECORD_KINDS:
            raise InvalidInput(
                "Say which records the CSV file holds.",
                {"kind": "Choose one of: " + ", ".join(RECORD_KINDS) + "."},
            )
        with self._platform.unit_of_work(actor) as uow:
            known = self._known_ids(uow.session)
            result: ImportResult = (
                import_json(text, known)
                if file_format == "json"
                else import_csv(text, str(kind), known)
            )
            if not isinstance(result, Accepted):
                raise ImportRefused([str(p) for p in result.problems])
            counts = _write(uow, result.bundle, actor.user_id)
            uow.audit.record(
                actor,
                "registry.import",
                subject_type="registry",
                subject_id="registry",
                reason="registry_evaluation",
                details={k: v for k, v in counts.items() if v},
            )
            return counts

    def export(self, actor: Actor | None, *, file_format: str, kind: str | None = None) -> str:
        authorise(actor, Permission.REGISTRY_EVALUATE)
        if file_format not in ("json", "csv"):
            raise InvalidInput("Export as json or csv.", {"format": "Use json or csv."})
        if kind is not None and kind not in RECORD_KINDS:
            raise InvalidInput(
                "Unknown record kind.", {"kind": "Choose one of: " + ", ".join(RECORD_KINDS) + "."}
            )
        if file_format == "csv" and kind is None:
            raise InvalidInput("A CSV export holds one record kind.", {"kind": "Choose a kind."})
        with self._platform.unit_of_work(actor) as uow:
            bundle = self._bundle(uow.session, all_reviews=True)
            uow.audit.record(
                actor,
                "registry.export",
                subject_type="registry",
                subject_id="registry",
                reason="registry_evaluation",
                details={"format": file_format, "kind": kind or "all"},
            )
        if file_format == "csv":
            return records_to_csv(bundle, str(kind))
        if kind is not None:
            bundle = RegistryBundle.model_validate({kind: bundle.records(kind)})
        return bundle_to_json(bundle)


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


def seed_registry(uow: UnitOfWork) -> int:
    """Load the seed registry inside an existing unit of work (used by ``withcare demo``)."""
    present = uow.session.execute(select(func.count(RegistryTechnology.id))).scalar_one()
    if present:
        return 0
    return _write(uow, seed_bundle(), SEED_AUTHOR)["technologies"]


__all__ = [
    "Comparison",
    "FactSheet",
    "ImportRefused",
    "OutcomeSource",
    "RecommendationView",
    "RegistryService",
    "ReviewView",
    "SavedAssessment",
    "SearchOptions",
    "TechnologyPage",
    "no_outcomes",
    "seed_registry",
]
