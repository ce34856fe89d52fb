"""Validated instruments as data files, exact scoring, severity and course outcomes (P4).

The names most callers need are re-exported here; FHIR builders live in
:mod:`withcare.domain.measures.fhir` and batch processing in :mod:`withcare.domain.measures.batch`.
"""

from __future__ import annotations

from withcare.domain.measures.change import ReliableChange, jacobson_truax
from withcare.domain.measures.licensing import assignment_blocked_reason, can_assign
from withcare.domain.measures.loader import (
    INSTRUMENT_IDS,
    UnknownInstrumentError,
    all_instruments,
    load_instrument,
)
from withcare.domain.measures.model import Encoding, Instrument
from withcare.domain.measures.outcomes import CourseOutcome, course_outcome
from withcare.domain.measures.scoring import ScoreResult, score

__all__ = [
    "INSTRUMENT_IDS",
    "CourseOutcome",
    "Encoding",
    "Instrument",
    "ReliableChange",
    "ScoreResult",
    "UnknownInstrumentError",
    "all_instruments",
    "assignment_blocked_reason",
    "can_assign",
    "course_outcome",
    "jacobson_truax",
    "load_instrument",
    "score",
]
