"""The words of consent: purposes, data streams, the items people decide on, and the basis of each.

A *consent item* is one (purpose, data stream) pair: "research x smartphone location" is a different
question from "direct care x smartphone location", and a person answers each on its own (P6). Proxy
access for a carer is an item too (``direct_care x proxy_access``) so that letting someone act for
you is recorded, versioned and withdrawable like every other choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Purpose(StrEnum):
    """Why data is used. Each purpose is asked about separately."""

    DIRECT_CARE = "direct_care"
    PERSONALISED_SELF_HELP = "personalised_self_help"
    RESEARCH = "research"
    POPULATION_STATISTICS = "population_statistics"
    SERVICE_IMPROVEMENT = "service_improvement"


class DataStream(StrEnum):
    """What kind of data is collected, read or processed."""

    QUESTIONNAIRES = "questionnaires"
    CHECK_INS = "check_ins"
    FREE_TEXT = "free_text"
    MESSAGES = "messages"
    SMARTPHONE_LOCATION = "smartphone_location"
    MOVEMENT = "movement"
    PHONE_USE_LOGS = "phone_use_logs"
    SLEEP = "sleep"
    DEMOGRAPHICS = "demographics"
    CARE_CONTACTS = "care_contacts"
    PROXY_ACCESS = "proxy_access"

    @property
    def is_passive_sensing(self) -> bool:
        """Sensing is collected without the person doing anything, so it always needs a yes."""
        return self in _PASSIVE_SENSING


_PASSIVE_SENSING = frozenset(
    {
        DataStream.SMARTPHONE_LOCATION,
        DataStream.MOVEMENT,
        DataStream.PHONE_USE_LOGS,
        DataStream.SLEEP,
    }
)


class Basis(StrEnum):
    """What happens when a person has not answered an item yet.

    ``IMPLIED``: part of the care the person asked for; used unless they say no (they can).
    ``EXPLICIT``: never used until the person says yes.
    ``LEGAL_DUTY``: the clinical record must be kept; explained, not asked, cannot be refused.
    """

    IMPLIED = "implied"
    EXPLICIT = "explicit"
    LEGAL_DUTY = "legal_duty"


@dataclass(frozen=True, order=True)
class ConsentItem:
    """One thing a person can say yes or no to: a purpose and a data stream."""

    purpose: Purpose
    stream: DataStream

    def __str__(self) -> str:
        return f"{self.purpose.value} x {self.stream.value}"


PROXY_ACCESS = ConsentItem(Purpose.DIRECT_CARE, DataStream.PROXY_ACCESS)
"""The item that lets a carer see the record and act for the person."""
