"""How care is delivered: contact modes and care-mode preferences (P1 choice, P2 human contact)."""

from __future__ import annotations

from enum import StrEnum


class ContactMode(StrEnum):
    """The mode of one recorded contact between a person and their care."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"
    TEXT_MESSAGE = "text_message"
    DIGITAL_SELF_HELP = "digital_self_help"

    @property
    def is_human(self) -> bool:
        """A human contact is one where a person from the care team took part in real time or wrote.

        Digital self-help without a clinician is the only non-human mode: it is what P2 watches for.
        """
        return self is not ContactMode.DIGITAL_SELF_HELP


class CareModePreference(StrEnum):
    """How a person wants to be cared for (P1). A person may choose several."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"
    DIGITAL_SELF_HELP = "digital_self_help"
    PAPER = "paper"

    @property
    def is_digital(self) -> bool:
        return self in (CareModePreference.VIDEO, CareModePreference.DIGITAL_SELF_HELP)


class ReferralSource(StrEnum):
    SELF = "self"
    GP = "gp"
    SECONDARY_CARE = "secondary_care"
    SOCIAL_CARE = "social_care"
    EDUCATION = "education"
    EMPLOYER = "employer"
    VOLUNTARY_SECTOR = "voluntary_sector"
    OTHER = "other"


class DischargeReason(StrEnum):
    COMPLETED = "completed"
    STEPPED_UP = "stepped_up"
    STEPPED_DOWN = "stepped_down"
    DECLINED = "declined"
    DROPPED_OUT = "dropped_out"
    MOVED_AWAY = "moved_away"
    NOT_SUITABLE = "not_suitable"
    OTHER = "other"
