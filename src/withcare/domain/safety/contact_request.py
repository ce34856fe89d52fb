"""A person asking to talk to a human (P2): how and when they would like to be contacted.

A contact request travels through the same escalation machine as a risk signal, at
``Urgency.CONTACT_REQUEST``: it has an owner, a response target and onward escalation, so it cannot
be forgotten either.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from withcare.domain.care.modes import ContactMode


class TimeOfDay(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    ANY_TIME = "any_time"


@dataclass(frozen=True, slots=True)
class ContactRequest:
    preferred_modes: tuple[ContactMode, ...]
    preferred_times: tuple[TimeOfDay, ...] = (TimeOfDay.ANY_TIME,)

    def __post_init__(self) -> None:
        if not self.preferred_modes:
            raise ValueError("choose at least one way to be contacted")
        if not all(mode.is_human for mode in self.preferred_modes):
            raise ValueError("a contact request asks for a human: self-help is not a contact mode")
        if not self.preferred_times:
            raise ValueError("choose at least one time of day, or any time")
        if len(set(self.preferred_modes)) != len(self.preferred_modes):
            raise ValueError("each contact mode once")
