"""Loading and saving registry records and fact ledgers to and from their tables."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from withcare.db.models.registry import (
    RegistryDesignation,
    RegistryFactVersion,
    RegistryFeedbackResponse,
    RegistryGuidance,
    RegistryIntendedUse,
    RegistryOrganisation,
    RegistryProfessionalAssessment,
    RegistryRegulatoryRecord,
    RegistryReview,
    RegistryStudy,
    RegistryTechnology,
    RegistryTechnologyVersion,
)
from withcare.domain.registry.bundle import RECORD_KINDS, RegistryBundle
from withcare.domain.registry.facts import FactEntry, FactLedger
from withcare.domain.registry.model import FactValue, Provenance
from withcare.domain.registry.reviews import UserReview
from withcare.domain.registry.vocabulary import ReviewerKind, ReviewState
from withcare.domain.roles import Role
from withcare.services.unit_of_work import UnitOfWork


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
