"""Synthetic administrations with a chosen total, for demo data and tests.

No real person's answers are ever needed to show or test scoring: this builds a response list that
the scorer will total to exactly the requested value, keeping risk items at their lowest score for
as long as the total allows, so an example only raises a risk flag when it has to.
"""

from __future__ import annotations

from withcare.domain.measures.loader import load_instrument
from withcare.domain.measures.model import Item


def responses_for_total(instrument_id: str, total: int) -> list[int]:
    """Item scores (complete, no missing items) that sum to ``total``."""
    instrument = load_instrument(instrument_id)
    if not instrument.has_total:
        raise ValueError(f"{instrument.short_name} has no total")
    if not (instrument.total_minimum or 0) <= total <= (instrument.total_maximum or 0):
        raise ValueError(
            f"{total} is outside {instrument.short_name}'s range "
            f"{instrument.total_minimum}-{instrument.total_maximum}"
        )

    def contiguous(item: Item) -> bool:
        scores = item.allowed_scores
        return len(scores) == scores[-1] - scores[0] + 1

    # Items with gaps in their scores (AUDIT 9-10) first, then ordinary items, risk items last.
    order = sorted(instrument.items, key=lambda item: (item.risk, contiguous(item)))
    scores = {item.number: min(item.allowed_scores) for item in order}
    remaining = total - sum(scores.values())
    for index, item in enumerate(order):
        room_after = sum(max(o.allowed_scores) - min(o.allowed_scores) for o in order[index + 1 :])
        for allowed in sorted(item.allowed_scores, reverse=True):
            step = allowed - scores[item.number]
            if 0 <= step <= remaining and remaining - step <= room_after:
                scores[item.number] = allowed
                remaining -= step
                break
    if remaining:
        raise ValueError(f"cannot reach {total} on {instrument.short_name}")
    return [scores[item.number] for item in instrument.items]
