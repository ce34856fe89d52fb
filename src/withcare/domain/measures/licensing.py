"""Whether an instrument may be assigned to people, given the licences a service has recorded.

Some instruments' terms require registration or written permission (WEMWBS, SWEMWBS, EPDS). The
platform must not hand them to people until an administrator has recorded that licence. Scoring data
that already exists is not blocked: the check belongs to assignment only.
"""

from __future__ import annotations

from collections.abc import Collection

from withcare.domain.measures.loader import load_instrument
from withcare.messages import N_

#: Why an instrument cannot be assigned yet; ``%(name)s`` and ``%(terms)s`` come from
#: :func:`licence_needed` (the terms are the owner's own words, so they stay as published).
BLOCKED_MESSAGE = N_(
    "%(name)s needs a licence before it can be assigned (%(terms)s); an administrator must "
    "record it first."
)


def licence_needed(instrument_id: str, recorded_licences: Collection[str]) -> dict[str, str] | None:
    """The values for :data:`BLOCKED_MESSAGE` when the instrument cannot be assigned yet, or
    ``None`` when it can. ``recorded_licences`` holds the ids of instruments whose licence an
    administrator has recorded."""
    instrument = load_instrument(instrument_id)
    if not instrument.licence.requires_registration or instrument.id in recorded_licences:
        return None
    return {"name": instrument.short_name, "terms": instrument.licence.terms}


def assignment_blocked_reason(instrument_id: str, recorded_licences: Collection[str]) -> str | None:
    """Why the instrument cannot be assigned yet (English), or ``None`` when it can."""
    params = licence_needed(instrument_id, recorded_licences)
    return None if params is None else BLOCKED_MESSAGE % params


def can_assign(instrument_id: str, recorded_licences: Collection[str]) -> bool:
    return assignment_blocked_reason(instrument_id, recorded_licences) is None
