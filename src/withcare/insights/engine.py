"""Population engines: where group counts come from.

The in-memory engine is the *reference*: short enough to be obviously right. Faster engines (SQL
over the database or an export) must return exactly the same counts, checked by property tests,
and everything published goes through the same disclosure control afterwards. Engines receive only
the records of people who allowed the purpose at the time of the run (see
``withcare.domain.consent.people_with_consent``): consent filtering happens before counting.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from withcare.insights.disclosure import ProtectedTable, protect_counts
from withcare.insights.equity import NOT_RECORDED, EquityComparison, GroupCounts, compare_rates


@dataclass(frozen=True)
class PersonRecord:
    """One de-identified person: their group in each dimension, and outcome flags.

    An attribute that is missing or None puts the person in the ``NOT_RECORDED`` group. An outcome
    that is missing or None leaves them out of that outcome's denominator (for example, recovery
    needs a first and last score).
    """

    attributes: Mapping[str, str | None] = field(default_factory=dict)
    outcomes: Mapping[str, bool | None] = field(default_factory=dict)

    def group(self, dimension: str) -> str:
        return self.attributes.get(dimension) or NOT_RECORDED


class PopulationEngine(Protocol):
    def counts_by(self, dimension: str) -> dict[str, int]: ...

    def outcome_counts_by(self, dimension: str, outcome: str) -> dict[str, GroupCounts]: ...


class InMemoryEngine:
    """The reference engine over a list of records."""

    def __init__(self, records: Iterable[PersonRecord]) -> None:
        self._records = tuple(records)

    def counts_by(self, dimension: str) -> dict[str, int]:
        return dict(Counter(r.group(dimension) for r in self._records))

    def outcome_counts_by(self, dimension: str, outcome: str) -> dict[str, GroupCounts]:
        result: dict[str, GroupCounts] = {}
        for record in self._records:
            value = record.outcomes.get(outcome)
            if value is None:
                continue
            group = record.group(dimension)
            result[group] = result.get(group, GroupCounts(0, 0)) + GroupCounts(int(value), 1)
        return result


def published_counts(engine: PopulationEngine, dimension: str) -> ProtectedTable[str]:
    """How many people are in each group, safe to publish."""
    return protect_counts(engine.counts_by(dimension))


def equity_report(engine: PopulationEngine, dimension: str, outcome: str) -> EquityComparison:
    """An outcome's rate in every group of a dimension, compared, flagged and safe to publish."""
    return compare_rates(dimension, engine.outcome_counts_by(dimension, outcome))
