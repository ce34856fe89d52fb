"""Real-world outcome summary per technology, with small numbers suppressed (P4, P6).

Inputs are per-person booleans computed elsewhere with the published definitions (reliable
improvement, recovery); ``None`` means "not applicable" (for example recovery for someone who
started below the clinical cut-off) and such people are left out of that rate's denominator.

Suppression: no count below :data:`MIN_PEOPLE` is shown, nor the rate built on it. Because a
shown denominator minus a shown count would reveal the hidden complement, a count is also hidden
when its complement (people *without* the outcome) is below the threshold. If fewer than
``MIN_PEOPLE`` people used the technology at all, nothing but that fact is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Fewer people than this and a count (or its complement) is not shown.
MIN_PEOPLE = 10


@dataclass(frozen=True)
class PersonOutcome:
    reliable_improvement: bool | None
    recovery: bool | None


@dataclass(frozen=True)
class Rate:
    """A count out of a denominator; both None when suppressed."""

    count: int | None
    denominator: int | None
    suppressed: bool

    @property
    def percent(self) -> float | None:
        if self.count is None or not self.denominator:
            return None
        return round(100 * self.count / self.denominator, 1)


@dataclass(frozen=True)
class OutcomeSummary:
    people: int | None
    reliable_improvement: Rate
    recovery: Rate
    enough_people: bool
    threshold: int

    @property
    def plain_language(self) -> str:
        if not self.enough_people:
            return (
                f"Fewer than {self.threshold} people in this service have used it so far, "
                "so we do not show outcomes yet."
            )
        parts = [f"{self.people} people in this service have used it."]
        for label, rate in (
            ("showed reliable improvement", self.reliable_improvement),
            ("recovered", self.recovery),
        ):
            if rate.suppressed or rate.percent is None:
                parts.append(f"The number who {label} is too small (or too close to all) to show.")
            else:
                parts.append(f"{rate.count} of {rate.denominator} ({rate.percent}%) {label}.")
        return " ".join(parts)


def _rate(values: Sequence[bool | None], threshold: int) -> Rate:
    applicable = [v for v in values if v is not None]
    denominator = len(applicable)
    count = sum(1 for v in applicable if v)
    if denominator < threshold or count < threshold or denominator - count < threshold:
        return Rate(None, None, True)
    return Rate(count, denominator, False)


def summarise_outcomes(
    outcomes: Sequence[PersonOutcome], *, threshold: int = MIN_PEOPLE
) -> OutcomeSummary:
    if threshold < 1:
        raise ValueError("the suppression threshold must be at least 1")
    people = len(outcomes)
    if people < threshold:
        hidden = Rate(None, None, True)
        return OutcomeSummary(None, hidden, hidden, False, threshold)
    return OutcomeSummary(
        people=people,
        reliable_improvement=_rate([o.reliable_improvement for o in outcomes], threshold),
        recovery=_rate([o.recovery for o in outcomes], threshold),
        enough_people=True,
        threshold=threshold,
    )
