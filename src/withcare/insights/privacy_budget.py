"""A privacy-budget ledger: differential privacy only protects if the total loss is bounded.

Each differentially private release spends some epsilon. The ledger records every spend (one row
per release: label, epsilon, time) and refuses a release that would take the total above the
budget *before* anything is computed, so a refused query leaks nothing. Sums use ``math.fsum``
so rounding can never let the total creep over the budget.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime


class PrivacyBudgetExceeded(PermissionError):
    """The release would spend more privacy than the budget has left."""


@dataclass(frozen=True)
class BudgetEntry:
    label: str
    epsilon: float
    at: datetime


@dataclass(frozen=True)
class PrivacyBudget:
    """An immutable ledger; :meth:`charge` returns the ledger with one more entry."""

    total_epsilon: float
    entries: tuple[BudgetEntry, ...] = ()

    def __post_init__(self) -> None:
        if not (math.isfinite(self.total_epsilon) and self.total_epsilon > 0):
            raise ValueError("the privacy budget must be a positive, finite epsilon")
        if self.spent > self.total_epsilon:
            raise ValueError("a ledger cannot already be over its budget")

    @property
    def spent(self) -> float:
        return math.fsum(e.epsilon for e in self.entries)

    @property
    def remaining(self) -> float:
        return max(0.0, self.total_epsilon - self.spent)

    def can_afford(self, epsilon: float) -> bool:
        return math.fsum([*(e.epsilon for e in self.entries), epsilon]) <= self.total_epsilon

    def charge(self, label: str, epsilon: float, at: datetime) -> PrivacyBudget:
        if not (math.isfinite(epsilon) and epsilon > 0):
            raise ValueError("each release must spend a positive, finite epsilon")
        if not self.can_afford(epsilon):
            raise PrivacyBudgetExceeded(
                f"{label!r} needs epsilon {epsilon:g} but only {self.remaining:g} of "
                f"{self.total_epsilon:g} is left; publish fewer statistics or wait for a new budget"
            )
        return PrivacyBudget(self.total_epsilon, (*self.entries, BudgetEntry(label, epsilon, at)))
