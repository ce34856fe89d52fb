"""The schedules, modes, statuses and limits every part of the measures service shares."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum


class Schedule(StrEnum):
    ONCE = "once"
    EVERY_SESSION = "every_session"
    WEEKLY = "weekly"
    BEFORE_APPOINTMENT = "before_appointment"


class Mode(StrEnum):
    """How an administration was given (P1: a screen is never the only way)."""

    WEB = "web"
    PAPER = "paper"
    PHONE = "phone"
    IN_PERSON = "in_person"
    FHIR = "fhir"


STAFF_MODES = (Mode.PAPER, Mode.PHONE, Mode.IN_PERSON)
DRAFT = "draft"
SUBMITTED = "submitted"
MAX_WINDOW_DAYS = 60
SNOOZE = timedelta(days=1)
FHIR_SUBJECT = "Patient/{person_id}"
