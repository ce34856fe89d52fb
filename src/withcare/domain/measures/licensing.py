"""Whether an instrument may be assigned to people, given the licences a service has recorded.

Some instruments' terms require registration or written permission (WEMWBS, SWEMWBS, EPDS). The
platform must not hand them to people until an administrator has recorded that licence. Scoring data
that already exists is not blocked: the check belongs to assignment only.
"""

from __future__ import annotations

from collections.abc import Collection

from withcare.domain.measures.loader import load_instrument


def assignment_blocked_reason(instrument_id: str, recorded_licences: Collection[str]) -> str | None:
    """Why the instrument cannot be assigned yet, or ``None`` when it can.

    ``recorded_licences`` holds the ids of instruments whose licence an administrator has recorded.
    """
    instrument = load_instrument(instrument_id)
    if not instrument.licence.requires_registration or instrument.id in recorded_licences:
        return None
    return (
        f"{instrument.short_name} needs a licence before it can be assigned "
        f"({instrument.licence.terms}); an administrator must record it first"
    )


def can_assign(instrument_id: str, recorded_licences: Collection[str]) -> bool:
    return assignment_blocked_reason(instrument_id, recorded_licences) is None
