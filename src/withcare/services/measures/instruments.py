"""Looking up library instruments and naming each scorer problem by its form field."""

from __future__ import annotations

import re

from withcare.domain.measures import (
    INSTRUMENT_IDS,
    Instrument,
    ScoreResult,
    UnknownInstrumentError,
    load_instrument,
)
from withcare.services.errors import N_, NotFound

_ITEM = re.compile(r"item (\d+):")


def instrument_or_none(instrument_id: str) -> Instrument | None:
    try:
        return load_instrument(instrument_id)
    except (UnknownInstrumentError, KeyError, ValueError):
        return None


def require_instrument(instrument_id: str) -> Instrument:
    """The library instrument with this id, or :class:`NotFound` saying there is none."""
    found = instrument_or_none(instrument_id) if instrument_id in INSTRUMENT_IDS else None
    if found is None:
        raise NotFound(N_("There is no questionnaire with that name."))
    return found


def problems_by_item(instrument: Instrument, result: ScoreResult) -> dict[str, str]:
    """The scorer's messages keyed by the form field of the item they name (``item_3``)."""
    problems: dict[str, str] = {}
    missing = [n for n, s in enumerate(result.item_scores, start=1) if s is None]
    for message in result.errors:
        named = _ITEM.match(message)
        if named:
            number = int(named.group(1))
            problems.setdefault(
                f"item_{number}", f"Question {number}: {message.split(': ', 1)[-1]}"
            )
        elif "missing" in message:
            for number in missing:
                problems.setdefault(f"item_{number}", f"Question {number}: choose an answer.")
        else:
            problems.setdefault("form", message)
    return problems
