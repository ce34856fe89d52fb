"""Privacy: wrapped data keys, correction requests and the record of erasures (P6, issue 5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from withcare.db.base import Base
from withcare.db.types import UTCDateTime, new_id


class DataKeyRow(Base):
    """One person's data key, wrapped (encrypted) by a service key. Deleting it crypto-shreds.

    ``person_id`` is a plain string, not a foreign key: the row must be deletable on its own and
    must never block or be blocked by changes to the person's record.
    """

    __tablename__ = "data_keys"

    person_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    data_key_id: Mapped[str] = mapped_column(String(32))
    service_key_id: Mapped[str] = mapped_column(String(64), index=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)


class CorrectionRequest(Base):
    """A person asks for something in their record to be corrected; clinicians see and answer it."""

    __tablename__ = "correction_requests"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    requested_by: Mapped[str] = mapped_column(String(32))
    text_encrypted: Mapped[str] = mapped_column(Text)  # platform.crypto token
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | done | declined
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(32), nullable=True)


class ErasureRecord(Base):
    """That an erasure happened, when, at whose request, and what was kept (codes and counts only)."""

    __tablename__ = "erasure_records"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(String(32), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    requested_by: Mapped[str] = mapped_column(String(32))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(Text, default="{}")  # JSON: table -> rows deleted/kept
