"""Oversight figures for service managers: is escalation working? (P3)

Time to acknowledge, missed deadlines and escalations by outcome, computed from escalations as
values. The database may compute the same in SQL for scale; this is the reference that such a query
must agree with.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from withcare.domain.safety.actions import Outcome
from withcare.domain.safety.escalation_model import Escalation
from withcare.domain.safety.escalation_policy import Urgency


@dataclass(frozen=True, slots=True)
class OversightSummary:
    total: int
    open: int
    overdue_now: int
    with_missed_deadline: int  # escalations that missed at least one deadline
    missed_deadlines: int  # all missed deadlines, counted once each
    by_outcome: Mapping[Outcome, int]
    open_by_urgency: Mapping[Urgency, int]
    median_time_to_acknowledge: Mapping[Urgency, timedelta]
    unacknowledged_open: int


def summarise(escalations: Iterable[Escalation], now: datetime) -> OversightSummary:
    items = list(escalations)
    open_items = [e for e in items if e.is_open]
    waits: dict[Urgency, list[timedelta]] = {}
    for escalation in items:
        wait = escalation.time_to_acknowledge
        if wait is not None:
            waits.setdefault(escalation.urgency, []).append(wait)
    return OversightSummary(
        total=len(items),
        open=len(open_items),
        overdue_now=sum(1 for e in open_items if e.is_overdue(now)),
        with_missed_deadline=sum(1 for e in items if e.breaches),
        missed_deadlines=sum(e.breaches for e in items),
        by_outcome=dict(Counter(e.outcome for e in items if e.outcome is not None)),
        open_by_urgency=dict(Counter(e.urgency for e in open_items)),
        median_time_to_acknowledge={urgency: _median(values) for urgency, values in waits.items()},
        unacknowledged_open=sum(1 for e in open_items if e.acknowledged_at is None),
    )


def _median(values: list[timedelta]) -> timedelta:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
