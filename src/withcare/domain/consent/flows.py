"""Data flows checked against consent, after the fact.

A *flow* is one use of one stream for one purpose at one moment (an upload, a read for a research
export, a statistics run). Services record flows they make; these functions answer two questions
honestly from that record:

* :func:`flows_without_consent`: did anything flow without consent at the time? (Must be empty; the
  property tests and an operational check both ask it.)
* :func:`used_before_withdrawal`: for each withdrawal, what had already been used before it? The
  consent page shows this, because withdrawal cannot un-send a research export made last month.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from withcare.domain.consent.documents import ConsentDocuments
from withcare.domain.consent.history import Action, ConsentDecision, ConsentHistory
from withcare.domain.consent.policy import check
from withcare.domain.consent.vocabulary import ConsentItem, DataStream, Purpose


@dataclass(frozen=True)
class DataFlow:
    purpose: Purpose
    stream: DataStream
    at: datetime
    description: str = ""
    """What it was, in words a person understands, e.g. "research export #12 to the university"."""

    @property
    def item(self) -> ConsentItem:
        return ConsentItem(self.purpose, self.stream)


@dataclass(frozen=True)
class UsedBeforeWithdrawal:
    withdrawal: ConsentDecision
    flows: tuple[DataFlow, ...]


def flows_without_consent(
    history: ConsentHistory,
    flows: Iterable[DataFlow],
    documents: ConsentDocuments | None = None,
) -> tuple[DataFlow, ...]:
    """Every flow that happened when the policy point would have said no."""
    return tuple(
        f for f in flows if not check(history, f.purpose, f.stream, f.at, documents).allowed
    )


def used_before_withdrawal(
    history: ConsentHistory, flows: Iterable[DataFlow], at: datetime
) -> tuple[UsedBeforeWithdrawal, ...]:
    """For each withdrawal up to ``at``: the item's flows since its previous withdrawal."""
    ordered = sorted(flows, key=lambda f: f.at)
    result: list[UsedBeforeWithdrawal] = []
    previous: dict[ConsentItem, datetime] = {}
    for decision in history:
        if decision.at > at:
            break
        if decision.action is not Action.WITHDRAW:
            continue
        since = previous.get(decision.item)
        used = tuple(
            f
            for f in ordered
            if f.item == decision.item and f.at < decision.at and (since is None or f.at >= since)
        )
        result.append(UsedBeforeWithdrawal(decision, used))
        previous[decision.item] = decision.at
    return tuple(result)
