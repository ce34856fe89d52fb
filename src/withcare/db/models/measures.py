"""Measurement-based care (issue 3): instrument licences, assignments and administrations.

Instruments themselves are data files in :mod:`withcare.domain.measures`; only what a service
decides (licences recorded, questionnaires assigned) and what people answered live here. Answers are
item scores as JSON text (``null`` for an unanswered item); the score columns are exactly what the
domain scorer returned when the administration was submitted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from withcare.db.base import Base
from withcare.db.types import UTCDateTime, new_id


class InstrumentLicence(Base):
    """An administrator's record that the service holds the licence an instrument requires."""

    __tablename__ = "measure_instrument_licences"

    instrument_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    reference: Mapped[str] = mapped_column(String(200))
    recorded_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MeasureAssignment(Base):
    """A questionnaire a clinician asked a person to complete: once or on a schedule.

    ``schedule`` is ``once``, ``every_session``, ``weekly`` or ``before_appointment``; the next
    availability window runs from ``next_due_at`` for ``window_days`` days.
    """

    __tablename__ = "measure_assignments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(40))
    schedule: Mapped[str] = mapped_column(String(40))
    window_days: Mapped[int] = mapped_column(Integer)
    next_due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    assigned_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class MeasureAdministration(Base):
    """One completion (or a draft of one) of one instrument by one person."""

    __tablename__ = "measure_administrations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(40))
    assignment_id: Mapped[str | None] = mapped_column(
        ForeignKey("measure_assignments.id"), nullable=True, index=True
    )
    #: ``web``, ``paper``, ``phone``, ``in_person`` or ``fhir``.
    mode: Mapped[str] = mapped_column(String(20))
    #: ``draft`` or ``submitted``.
    status: Mapped[str] = mapped_column(String(20), index=True)
    #: JSON list of item scores, ``null`` for an unanswered item.
    responses: Mapped[str] = mapped_column(Text)
    entered_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When it was answered (for paper and phone, the date on the form, not the typing date).
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    total: Mapped[float | None] = mapped_column(Float, nullable=True)
    severity: Mapped[str | None] = mapped_column(String(40), nullable=True)
    valid: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    risk_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    #: JSON: errors, risk items, subscales and derived values from the scorer.
    extras: Mapped[str] = mapped_column(Text, default="{}")
