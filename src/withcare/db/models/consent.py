"""Consent decisions and the log of data flows, both insert-only (P6)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from withcare.db.base import Base
from withcare.db.types import UTCDateTime, new_id


class ConsentDecisionRow(Base):
    """One decision a person (or their carer, or staff on their behalf) made about one item."""

    __tablename__ = "consent_decisions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    stream: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    document_version: Mapped[int] = mapped_column(Integer)
    decided_by: Mapped[str] = mapped_column(String(20))  # self | proxy | staff_on_behalf
    recorded_by: Mapped[str] = mapped_column(String(32))  # account id


class DataFlowRow(Base):
    """A use of one person's data for one purpose from one stream, checked against consent."""

    __tablename__ = "data_flows"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    stream: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    description: Mapped[str] = mapped_column(String(200), default="")
