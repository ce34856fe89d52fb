"""Measurement-based care in the platform (issue 3): licences, assignments, answers, results, FHIR.

The instruments and their exact scoring are the pure library in :mod:`withcare.domain.measures`;
this service stores what a service decides and what people answered, and never scores anything
itself: every stored score is exactly what ``withcare.domain.measures.score`` returned.

Rules kept here:

* licence-restricted instruments cannot be assigned until an administrator records the licence;
* a questionnaire is offered only while its availability window is open (expired ones disappear);
* collecting or reading a person's answers asks the consent policy point first (direct care x
  questionnaires: allowed unless the person declined);
* an administration with a risk flag publishes :class:`RiskSignalRaised` inside the same unit of
  work as the answers, so the answers and the escalation are stored together or not at all; an
  invalid form with a risk answer is still stored (safety first), any other invalid form is refused
  with a message naming each item;
* every read and write of a person's measures is audited (ids and codes only).
"""

from withcare.services.measures.demo import DEMO_SEED, seed_demo_measures
from withcare.services.measures.instruments import (
    instrument_or_none,
    problems_by_item,
    require_instrument,
)
from withcare.services.measures.progress import course_so_far, trends
from withcare.services.measures.service import MeasuresService
from withcare.services.measures.views import (
    AdministrationView,
    AssignmentView,
    Band,
    CourseSoFar,
    DueItem,
    InstrumentSummary,
    MeasuresOverview,
    ReminderDue,
    SubmitOutcome,
    Trend,
    TrendPoint,
)
from withcare.services.measures.vocabulary import (
    DRAFT,
    FHIR_SUBJECT,
    MAX_WINDOW_DAYS,
    SNOOZE,
    STAFF_MODES,
    SUBMITTED,
    Mode,
    Schedule,
)

__all__ = [
    "DEMO_SEED",
    "DRAFT",
    "FHIR_SUBJECT",
    "MAX_WINDOW_DAYS",
    "SNOOZE",
    "STAFF_MODES",
    "SUBMITTED",
    "AdministrationView",
    "AssignmentView",
    "Band",
    "CourseSoFar",
    "DueItem",
    "InstrumentSummary",
    "MeasuresOverview",
    "MeasuresService",
    "Mode",
    "ReminderDue",
    "Schedule",
    "SubmitOutcome",
    "Trend",
    "TrendPoint",
    "course_so_far",
    "instrument_or_none",
    "problems_by_item",
    "require_instrument",
    "seed_demo_measures",
    "trends",
]
