"""The technology evidence and regulation registry (issue 6, P7): tables under the pure core.

Each record kind of :mod:`withcare.domain.registry` has a table. Columns that pages filter or join
on are real columns; the complete validated record (provenance included) is kept as JSON text in
``record`` so that the pure core's Pydantic models stay the one definition of what a valid record
is, and an export gives back exactly what was imported.

Facts are append-only versions (``registry_fact_versions``): the current facts are the latest
non-retracted version of each key. Classifications are recomputed, never stored; only the human
overrides (with their reasons) are. Reviews and recommendations hold account and person ids only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from withcare.db.base import Base
from withcare.db.types import UTCDateTime, new_id


class RegistryOrganisation(Base):
    __tablename__ = "registry_organisations"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    record: Mapped[str] = mapped_column(Text)


class RegistryTechnology(Base):
    __tablename__ = "registry_technologies"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("registry_organisations.id"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    record: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RegistryTechnologyVersion(Base):
    __tablename__ = "registry_technology_versions"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    technology_id: Mapped[str] = mapped_column(ForeignKey("registry_technologies.id"), index=True)
    version: Mapped[str] = mapped_column(String(300))
    record: Mapped[str] = mapped_column(Text)


class RegistryIntendedUse(Base):
    __tablename__ = "registry_intended_uses"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    technology_id: Mapped[str] = mapped_column(ForeignKey("registry_technologies.id"), index=True)
    condition: Mapped[str] = mapped_column(String(300))
    significance: Mapped[str] = mapped_column(String(40))
    seriousness: Mapped[str] = mapped_column(String(40))
    record: Mapped[str] = mapped_column(Text)


class RegistryFactVersion(Base):
    """One version of one fact (append-only): who, when, what it replaced, and its source."""

    __tablename__ = "registry_fact_versions"
    __table_args__ = (UniqueConstraint("technology_id", "key", "version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    technology_id: Mapped[str] = mapped_column(ForeignKey("registry_technologies.id"), index=True)
    #: The id of the imported fact record that created this version, if any (for export/import).
    fact_id: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    key: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer)
    #: JSON; NULL for a retraction.
    value: Mapped[str | None] = mapped_column(Text, nullable=True)
    previous: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(300))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The Provenance record as JSON (source URL, date read, supplied by, grade, verified by/on).
    provenance: Mapped[str] = mapped_column(Text)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class RegistryRegulatoryRecord(Base):
    __tablename__ = "registry_regulatory_records"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    technology_id: Mapped[str] = mapped_column(ForeignKey("registry_technologies.id"), index=True)
    jurisdiction: Mapped[str] = mapped_column(String(20))
    pathway: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    record: Mapped[str] = mapped_column(Text)


class RegistryDesignation(Base):
    """Kept apart from regulatory records: a designation never authorises marketing."""

    __tablename__ = "registry_designations"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    technology_id: Mapped[str] = mapped_column(ForeignKey("registry_technologies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    record: Mapped[str] = mapped_column(Text)


class RegistryGuidance(Base):
    __tablename__ = "registry_guidance_records"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    technology_id: Mapped[str] = mapped_column(ForeignKey("registry_technologies.id"), index=True)
    recommendation: Mapped[str] = mapped_column(String(40))
    record: Mapped[str] = mapped_column(Text)


class RegistryStudy(Base):
    __tablename__ = "registry_studies"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    technology_id: Mapped[str] = mapped_column(ForeignKey("registry_technologies.id"), index=True)
    design: Mapped[str] = mapped_column(String(40))
    record: Mapped[str] = mapped_column(Text)


class RegistryProfessionalAssessment(Base):
    """An evaluator's or clinician's structured judgement (never mixed with user reviews)."""

    __tablename__ = "registry_professional_assessments"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    technology_id: Mapped[str] = mapped_column(ForeignKey("registry_technologies.id"), index=True)
    record: Mapped[str] = mapped_column(Text)


class RegistrySelfAssessment(Base):
    """A saved self-assessment: the answers given in the wizard (the report is recomputed)."""

    __tablename__ = "registry_self_assessments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    technology_id: Mapped[str] = mapped_column(ForeignKey("registry_technologies.id"), index=True)
    answers: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(32))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RegistryClassificationOverride(Base):
    """A human decision over a computed class, pinned to the rule version it disagreed with."""

    __tablename__ = "registry_classification_overrides"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    technology_id: Mapped[str] = mapped_column(ForeignKey("registry_technologies.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str] = mapped_column(String(300))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime())
    against_rule_version: Mapped[str] = mapped_column(String(120))
    against_value: Mapped[str | None] = mapped_column(String(40), nullable=True)


class RegistryReview(Base):
    """A review by a person with lived experience, a carer or a professional (P8)."""

    __tablename__ = "registry_reviews"

    id: Mapped[str] = mapped_column(String(80), primary_key=True, default=new_id)
    technology_id: Mapped[str] = mapped_column(ForeignKey("registry_technologies.id"), index=True)
    reviewer_kind: Mapped[str] = mapped_column(String(40))
    #: An account id (or an imported opaque reference), never a name.
    author_ref: Mapped[str] = mapped_column(String(300), index=True)
    #: The reviewer's person id when the author is a person in care (for the audit trail).
    person_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(20), index=True)
    moderated_by: Mapped[str | None] = mapped_column(String(300), nullable=True)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    moderation_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class RegistryFeedbackResponse(Base):
    """What changed because of feedback (P8)."""

    __tablename__ = "registry_feedback_responses"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    technology_id: Mapped[str] = mapped_column(ForeignKey("registry_technologies.id"), index=True)
    record: Mapped[str] = mapped_column(Text)


class RegistryRecommendation(Base):
    """A clinician recommending a technology to a person in their care: personal data."""

    __tablename__ = "registry_recommendations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    technology_id: Mapped[str] = mapped_column(ForeignKey("registry_technologies.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    clinician_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    recommended_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The clinician's note as a ``platform.crypto`` token (person's key), or "" for none.
    note_encrypted: Mapped[str] = mapped_column(Text, default="")
