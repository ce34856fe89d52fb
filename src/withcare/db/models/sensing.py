"""Smartphone sensing in the platform (issue 7): enrolments, stored daily features, processing runs.

The feature pipeline itself is the pure library :mod:`withcare.sensing`; these tables hold what the
platform keeps of its output. A daily row stores the library's feature values as one JSON object
(column name to number, ``null`` where the library could not compute it) next to the data-quality
columns a page needs without parsing the JSON. Home location never reaches these tables: the library
only exports derived features.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from withcare.db.base import Base
from withcare.db.types import UTCDateTime, new_id


class SensingEnrolment(Base):
    """A person taking part in smartphone sensing: who they are in the raw export, and where."""

    __tablename__ = "sensing_enrolments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), unique=True)
    #: The participant id in the raw export (Beiwe or mindLAMP folder name).
    participant_id: Mapped[str] = mapped_column(String(120), unique=True)
    #: IANA time zone that decides the person's local days.
    timezone: Mapped[str] = mapped_column(String(64))
    #: ``android``, ``ios`` or ``unknown``.
    platform: Mapped[str] = mapped_column(String(20))
    enrolled_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SensingDailyFeature(Base):
    """One person's features for one local day, as the pipeline computed them."""

    __tablename__ = "sensing_daily_features"
    __table_args__ = (UniqueConstraint("person_id", "local_date"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    local_date: Mapped[date] = mapped_column(Date)
    #: JSON object: feature column name -> number or null (see docs/sensing/features.md).
    features: Mapped[str] = mapped_column(Text)
    platform: Mapped[str] = mapped_column(String(20))
    #: Data quality: GPS observed / expected samples (0-1), accelerometer minutes with data / day.
    gps_coverage: Mapped[float | None] = mapped_column(Float, nullable=True)
    accelerometer_coverage: Mapped[float | None] = mapped_column(Float, nullable=True)
    gps_minutes_with_data: Mapped[float | None] = mapped_column(Float, nullable=True)
    accelerometer_minutes_with_data: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: Comma-separated raw streams the person's consent allowed when this day was computed.
    streams: Mapped[str] = mapped_column(String(200))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    pipeline_version: Mapped[str] = mapped_column(String(40))
    run_id: Mapped[str] = mapped_column(ForeignKey("sensing_runs.id"), index=True)


class SensingRun(Base):
    """One processing run over a raw export: when, by whom, what it did and what it rejected."""

    __tablename__ = "sensing_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The user who ran it, if a user did (the command line and the demo run as the system).
    run_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    #: ``cli``, ``web`` or ``demo``.
    source: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(20))
    participants: Mapped[int] = mapped_column(Integer)
    participants_not_permitted: Mapped[int] = mapped_column(Integer)
    participants_failed: Mapped[int] = mapped_column(Integer)
    participant_days: Mapped[int] = mapped_column(Integer)
    participant_days_computed: Mapped[int] = mapped_column(Integer)
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)
    #: JSON object: reason -> rows rejected for it.
    rejected_by_reason: Mapped[str] = mapped_column(Text)
    pipeline_version: Mapped[str] = mapped_column(String(40))
