"""Choice of how to be cared for (P1) and discharge confirmations (P2), insert-only (issue 5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from withcare.db.base import Base
from withcare.db.types import UTCDateTime, new_id


class CarePreferenceRow(Base):
    """How a person wants to be cared for, as stated at ``at`` (the latest row holds)."""

    __tablename__ = "care_preferences"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    modes: Mapped[str] = mapped_column(String(200))  # space-separated CareModePreference values
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    recorded_by: Mapped[str] = mapped_column(String(32))


class ChoiceEventRow(Base):
    """One event of ``withcare.domain.care.choice``: declined, reinstated or alternative offered."""

    __tablename__ = "choice_events"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # declined | reinstated | offered
    part: Mapped[str] = mapped_column(String(40))
    alternative: Mapped[str | None] = mapped_column(String(40), nullable=True)
    accepted: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    recorded_by: Mapped[str] = mapped_column(String(32))
    note_encrypted: Mapped[str] = mapped_column(Text, default="")  # platform.crypto token or ""


class DischargeConfirmationRow(Base):
    """A clinician's explicit confirmation of discharge after digital-only care."""

    __tablename__ = "discharge_confirmations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    episode_id: Mapped[str] = mapped_column(ForeignKey("episodes.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    clinician_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason_encrypted: Mapped[str] = mapped_column(Text)
