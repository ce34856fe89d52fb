"""People in care, their episodes of care, contacts and the carers they allow to act for them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from withcare.db.base import Base
from withcare.db.types import UTCDateTime, new_id


class Person(Base):
    """A person seeking or receiving care. Demographics feed the equity views (P5)."""

    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    preferred_language: Mapped[str] = mapped_column(String(8), default="en")
    gender: Mapped[str] = mapped_column(String(40), default="not_stated")
    ethnicity: Mapped[str] = mapped_column(String(60), default="not_stated")
    deprivation_quintile: Mapped[int | None] = mapped_column(Integer, nullable=True)
    disability: Mapped[str] = mapped_column(String(40), default="not_stated")
    digital_access: Mapped[str] = mapped_column(String(40), default="not_stated")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Episode(Base):
    """One course of care: from referral to discharge, with a team and a named clinician (P2)."""

    __tablename__ = "episodes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("care_teams.id"), index=True)
    named_clinician_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    referral_source: Mapped[str] = mapped_column(String(40))
    referral_date: Mapped[date] = mapped_column(Date)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    discharge_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)


class Contact(Base):
    """A contact between the person and their care, in any mode (P1, P2)."""

    __tablename__ = "contacts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    episode_id: Mapped[str] = mapped_column(ForeignKey("episodes.id"), index=True)
    clinician_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    mode: Mapped[str] = mapped_column(String(40))
    duration_minutes: Mapped[int] = mapped_column(Integer, default=0)
    recorded_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProxyGrant(Base):
    """A person's permission for a carer to see or do things on their behalf.

    The consent capability will make this a consent item; the foundation needs the relationship so
    authorisation can refuse carers everything the person has not allowed.
    """

    __tablename__ = "proxy_grants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    carer_user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    scopes: Mapped[str] = mapped_column(String(400))  # space-separated scope names
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
