"""Choice of how to be cared for (P1): digital is never the only route.

A person can decline any digital part of their care at any time and change their mind later.
Declining never blocks care; it opens an :class:`AlternativePrompt` that stays open until a
clinician records which non-digital alternative was offered (:class:`AlternativeOffered`). Every
digital part has at least one non-digital alternative (:data:`SUITABLE_ALTERNATIVES`; a test checks
the table is complete), so there is always something to offer.

The record is an append-only list of events (one table: person, kind, part, alternative, at, by,
note), so managers can count who declined what and what they were offered instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from withcare.domain.care.modes import CareModePreference
from withcare.messages import N_


class DigitalPart(StrEnum):
    """A digital part of care a person may decline."""

    ONLINE_QUESTIONNAIRES = "online_questionnaires"
    DAILY_CHECK_INS = "daily_check_ins"
    DIGITAL_SELF_HELP = "digital_self_help"
    VIDEO_APPOINTMENTS = "video_appointments"
    SECURE_MESSAGING = "secure_messaging"
    SMARTPHONE_SENSING = "smartphone_sensing"


class Alternative(StrEnum):
    """A non-digital way to receive the same part of care."""

    PAPER_QUESTIONNAIRES = "paper_questionnaires"
    QUESTIONNAIRES_BY_PHONE = "questionnaires_by_phone"
    QUESTIONNAIRES_IN_PERSON = "questionnaires_in_person"
    PHONE_CHECK_IN_CALLS = "phone_check_in_calls"
    PAPER_DIARY = "paper_diary"
    PAPER_WORKBOOK = "paper_workbook"
    IN_PERSON_SESSIONS = "in_person_sessions"
    PHONE_SESSIONS = "phone_sessions"
    GROUP_SESSIONS = "group_sessions"
    PHONE_CALLS = "phone_calls"
    LETTERS = "letters"
    REVIEW_IN_APPOINTMENTS = "review_in_appointments"
    """Talk through mood, sleep and activity at appointments instead of sensing them."""
    OTHER = "other"
    """Anything else; a note saying what was offered is then required."""


SUITABLE_ALTERNATIVES: Mapping[DigitalPart, tuple[Alternative, ...]] = {
    DigitalPart.ONLINE_QUESTIONNAIRES: (
        Alternative.PAPER_QUESTIONNAIRES,
        Alternative.QUESTIONNAIRES_BY_PHONE,
        Alternative.QUESTIONNAIRES_IN_PERSON,
    ),
    DigitalPart.DAILY_CHECK_INS: (Alternative.PHONE_CHECK_IN_CALLS, Alternative.PAPER_DIARY),
    DigitalPart.DIGITAL_SELF_HELP: (
        Alternative.PAPER_WORKBOOK,
        Alternative.IN_PERSON_SESSIONS,
        Alternative.PHONE_SESSIONS,
        Alternative.GROUP_SESSIONS,
    ),
    DigitalPart.VIDEO_APPOINTMENTS: (Alternative.IN_PERSON_SESSIONS, Alternative.PHONE_SESSIONS),
    DigitalPart.SECURE_MESSAGING: (Alternative.PHONE_CALLS, Alternative.LETTERS),
    DigitalPart.SMARTPHONE_SENSING: (Alternative.REVIEW_IN_APPOINTMENTS, Alternative.PAPER_DIARY),
}
"""Suggested non-digital alternatives for each digital part, best first."""


class ChoiceError(ValueError):
    """An event that cannot be recorded. ``message`` is a catalogue msgid (marked with ``N_``) that
    says what to do, for the service to show in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ChoiceOrderError(ChoiceError):
    """An event dated before the last one recorded: a clock problem, nothing the reader did or can
    fix. Its message is for developers; the service asks the reader to reload and try again."""


@dataclass(frozen=True)
class Declined:
    part: DigitalPart
    at: datetime
    recorded_by: str
    reason: str = ""
    """The person's own words, if they want to give any. Never required."""


@dataclass(frozen=True)
class Reinstated:
    """The person changed their mind and wants the digital part again."""

    part: DigitalPart
    at: datetime
    recorded_by: str


@dataclass(frozen=True)
class AlternativeOffered:
    part: DigitalPart
    alternative: Alternative
    at: datetime
    offered_by: str
    note: str = ""
    accepted: bool | None = None
    """Whether the person took it up; None while unknown. Declining the alternative is fine too."""


ChoiceEvent = Declined | Reinstated | AlternativeOffered


@dataclass(frozen=True)
class AlternativePrompt:
    """A required task for the clinician: offer a non-digital alternative for ``part``."""

    part: DigitalPart
    declined_at: datetime
    suggestions: tuple[Alternative, ...]


@dataclass(frozen=True)
class ChoiceRecord:
    """One person's append-only choice events, oldest first."""

    events: tuple[ChoiceEvent, ...] = ()

    def _append(self, event: ChoiceEvent) -> ChoiceRecord:
        if self.events and event.at < self.events[-1].at:
            raise ChoiceOrderError("choice events are recorded in time order")
        return ChoiceRecord((*self.events, event))

    def declined_parts(self, at: datetime | None = None) -> frozenset[DigitalPart]:
        """Digital parts declined and not reinstated, as of ``at`` (default: now, i.e. all)."""
        state: dict[DigitalPart, bool] = {}
        for event in self.events:
            if at is not None and event.at > at:
                break
            if isinstance(event, Declined):
                state[event.part] = True
            elif isinstance(event, Reinstated):
                state[event.part] = False
        return frozenset(part for part, declined in state.items() if declined)

    def decline(
        self, part: DigitalPart, at: datetime, recorded_by: str, reason: str = ""
    ) -> tuple[ChoiceRecord, AlternativePrompt]:
        """Record the decline and return the prompt the clinician must act on. Never refused."""
        if part in self.declined_parts():
            raise ChoiceError(
                N_(
                    "This part of care is already declined. Reload the page to see the latest "
                    "choices."
                )
            )
        record = self._append(Declined(part, at, recorded_by, reason))
        prompt = next(p for p in record.open_prompts() if p.part is part)
        return record, prompt

    def reinstate(self, part: DigitalPart, at: datetime, recorded_by: str) -> ChoiceRecord:
        if part not in self.declined_parts():
            raise ChoiceError(
                N_(
                    "This part of care is not declined, so there is nothing to change. Reload the "
                    "page to see the latest choices."
                )
            )
        return self._append(Reinstated(part, at, recorded_by))

    def record_offer(
        self,
        part: DigitalPart,
        alternative: Alternative,
        at: datetime,
        offered_by: str,
        note: str = "",
        accepted: bool | None = None,
    ) -> ChoiceRecord:
        """Record the alternative offered for a declined part; this closes its prompt."""
        if part not in self.declined_parts():
            raise ChoiceError(
                N_(
                    "This part of care is not declined, so there is no need to offer another way. "
                    "Reload the page to see the latest choices."
                )
            )
        if alternative is Alternative.OTHER and not note.strip():
            raise ChoiceError(N_("Say in the note what was offered instead."))
        if alternative is not Alternative.OTHER and alternative not in SUITABLE_ALTERNATIVES[part]:
            raise ChoiceError(
                N_(
                    "That does not replace this part of care. Choose one of the ways listed, or "
                    "choose something else and say what in the note."
                )
            )
        return self._append(AlternativeOffered(part, alternative, at, offered_by, note, accepted))

    def open_prompts(self) -> tuple[AlternativePrompt, ...]:
        """Declined parts with no alternative offered since the (latest) decline."""
        declined_at: dict[DigitalPart, datetime] = {}
        for event in self.events:
            if isinstance(event, Declined):
                declined_at[event.part] = event.at
            elif isinstance(event, Reinstated | AlternativeOffered):
                declined_at.pop(event.part, None)
        return tuple(
            AlternativePrompt(part, at, SUITABLE_ALTERNATIVES[part])
            for part, at in sorted(declined_at.items())
        )

    def offers(self) -> tuple[AlternativeOffered, ...]:
        return tuple(e for e in self.events if isinstance(e, AlternativeOffered))


def parts_declined_by_preferences(
    preferences: Iterable[CareModePreference],
) -> frozenset[DigitalPart]:
    """Digital parts a person's stated care-mode preferences already decline.

    Choosing no digital mode at all declines every digital part; otherwise only video appointments
    (if video was not chosen) and digital self-help (if it was not chosen) are implied. Anything
    else is the person's own decision, asked part by part.
    """
    chosen = frozenset(preferences)
    if not any(mode.is_digital for mode in chosen):
        return frozenset(DigitalPart)
    implied = set()
    if CareModePreference.VIDEO not in chosen:
        implied.add(DigitalPart.VIDEO_APPOINTMENTS)
    if CareModePreference.DIGITAL_SELF_HELP not in chosen:
        implied.add(DigitalPart.DIGITAL_SELF_HELP)
    return frozenset(implied)
