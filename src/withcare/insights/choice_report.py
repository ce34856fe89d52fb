"""The manager's view of P1 choice: who declined digital parts, and what they were offered instead.

Built on the same disclosure control and equity comparison as every other population output, so
small numbers are suppressed and groups are never dropped. Input is one :class:`PersonChoices` per
person whose consent allows service improvement statistics.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from withcare.domain.care.choice import ChoiceRecord, DigitalPart
from withcare.insights.disclosure import ProtectedTable, protect_counts
from withcare.insights.engine import InMemoryEngine, PersonRecord, equity_report
from withcare.insights.equity import EquityComparison

NO_OFFER_YET = "no alternative offered yet"


@dataclass(frozen=True)
class PersonChoices:
    attributes: Mapping[str, str | None] = field(default_factory=dict)
    record: ChoiceRecord = field(default_factory=ChoiceRecord)


def _declined_outcome(part: DigitalPart) -> str:
    return f"declined:{part.value}"


def _as_person_record(person: PersonChoices) -> PersonRecord:
    declined = person.record.declined_parts()
    return PersonRecord(
        attributes=person.attributes,
        outcomes={_declined_outcome(part): part in declined for part in DigitalPart},
    )


def decline_rates(
    people: Iterable[PersonChoices], dimension: str, part: DigitalPart
) -> EquityComparison:
    """Share of each group who currently decline ``part``, compared across groups."""
    engine = InMemoryEngine(_as_person_record(p) for p in people)
    return equity_report(engine, dimension, _declined_outcome(part))


def alternatives_offered(
    people: Iterable[PersonChoices],
) -> Mapping[DigitalPart, ProtectedTable[str]]:
    """For each declined part, how many people were offered each alternative (latest offer)."""
    tallies: dict[DigitalPart, Counter[str]] = {part: Counter() for part in DigitalPart}
    for person in people:
        latest = {offer.part: offer.alternative.value for offer in person.record.offers()}
        for part in person.record.declined_parts():
            tallies[part][latest.get(part, NO_OFFER_YET)] += 1
    return {part: protect_counts(dict(tally)) for part, tally in tallies.items()}
