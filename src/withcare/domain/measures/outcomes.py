"""NHS Talking Therapies outcomes for a course of care, from first and last paired scores.

The definitions (NHS Digital IAPT outcomes; Clark et al. 2018; NHS England Talking Therapies
analytics):

* at caseness at start: first PHQ-9 >= 10 or first anxiety measure >= its threshold (GAD-7: 8);
* recovered: at caseness at start and, at the end, below threshold on *both* measures;
* reliable improvement: PHQ-9 falls by >= 6 or the anxiety measure by its reliable change
  (GAD-7: 4), and neither measure reliably worsens;
* reliable recovery: recovered and reliable improvement;
* reliable deterioration: a reliable rise on either measure and a reliable fall on neither (the
  platform's documented choice, so that improvement, no change and deterioration partition courses).

The thresholds come from the ``[change]`` sections of the PHQ-9 and GAD-7 data files, so there is
one place to check them against the NHS Talking Therapies manual.
"""

from __future__ import annotations

from dataclasses import dataclass

from withcare.domain.measures.loader import load_instrument


class OutcomeInputError(ValueError):
    """A first or last score is missing, not a whole number, or outside the measure's range."""


@dataclass(frozen=True)
class PairedMeasure:
    """A measure used for NHS Talking Therapies outcomes with its caseness and reliable change."""

    instrument: str
    caseness: float
    reliable_change: float
    minimum: int
    maximum: int

    @classmethod
    def from_instrument(cls, instrument_id: str) -> PairedMeasure:
        instrument = load_instrument(instrument_id)
        change = instrument.change
        if (
            change is None
            or change.clinical_cutoff is None
            or change.reliable_change is None
            or instrument.total_minimum is None
            or instrument.total_maximum is None
        ):
            raise ValueError(f"{instrument.short_name} has no caseness and reliable change values")
        return cls(
            instrument.id,
            change.clinical_cutoff,
            change.reliable_change,
            instrument.total_minimum,
            instrument.total_maximum,
        )

    def check(self, name: str, value: object) -> int:
        if value is None:
            raise OutcomeInputError(f"{name} is missing")
        if isinstance(value, bool) or not isinstance(value, int):
            raise OutcomeInputError(f"{name}: {value!r} is not a whole number")
        if not self.minimum <= value <= self.maximum:
            raise OutcomeInputError(
                f"{name}: {value} is outside the allowed range {self.minimum}-{self.maximum}"
            )
        return value


@dataclass(frozen=True)
class CourseOutcome:
    at_caseness_start: bool
    recovered: bool
    reliable_improvement: bool
    reliable_recovery: bool
    reliable_deterioration: bool

    def as_record(self) -> dict[str, object]:
        return {
            "at_caseness_start": self.at_caseness_start,
            "recovered": self.recovered,
            "reliable_improvement": self.reliable_improvement,
            "reliable_recovery": self.reliable_recovery,
            "reliable_deterioration": self.reliable_deterioration,
        }


def depression_measure() -> PairedMeasure:
    return PairedMeasure.from_instrument("phq9")


def anxiety_measure() -> PairedMeasure:
    """GAD-7: the default anxiety measure, and the back-up when the specific one is missing."""
    return PairedMeasure.from_instrument("gad7")


def course_outcome(
    phq9_first: object,
    phq9_last: object,
    anxiety_first: object,
    anxiety_last: object,
    anxiety: PairedMeasure | None = None,
) -> CourseOutcome:
    """NHS Talking Therapies outcome flags for one finished course of treatment.

    ``anxiety`` defaults to GAD-7; pass another :class:`PairedMeasure` for an
    anxiety-disorder-specific measure with its own threshold and reliable change.
    """
    depression = depression_measure()
    anxiety = anxiety or anxiety_measure()
    dep_first = depression.check("phq9_first", phq9_first)
    dep_last = depression.check("phq9_last", phq9_last)
    anx_name = anxiety.instrument
    anx_first = anxiety.check(f"{anx_name}_first", anxiety_first)
    anx_last = anxiety.check(f"{anx_name}_last", anxiety_last)

    at_caseness_start = dep_first >= depression.caseness or anx_first >= anxiety.caseness
    below_at_end = dep_last < depression.caseness and anx_last < anxiety.caseness
    reliably_better = (
        dep_first - dep_last >= depression.reliable_change
        or anx_first - anx_last >= anxiety.reliable_change
    )
    reliably_worse = (
        dep_last - dep_first >= depression.reliable_change
        or anx_last - anx_first >= anxiety.reliable_change
    )
    recovered = at_caseness_start and below_at_end
    reliable_improvement = reliably_better and not reliably_worse
    return CourseOutcome(
        at_caseness_start=at_caseness_start,
        recovered=recovered,
        reliable_improvement=reliable_improvement,
        reliable_recovery=recovered and reliable_improvement,
        reliable_deterioration=reliably_worse and not reliably_better,
    )
