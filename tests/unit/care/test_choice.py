"""P1 choice: declining a digital part opens a prompt, an offer closes it, nothing blocks care."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from withcare.domain.care.choice import (
    SUITABLE_ALTERNATIVES,
    Alternative,
    ChoiceError,
    ChoiceOrderError,
    ChoiceRecord,
    DigitalPart,
    parts_declined_by_preferences,
)
from withcare.domain.care.modes import CareModePreference

T0 = datetime(2026, 3, 2, 10, tzinfo=UTC)


def test_every_digital_part_has_a_non_other_alternative() -> None:
    assert set(SUITABLE_ALTERNATIVES) == set(DigitalPart)
    for alternatives in SUITABLE_ALTERNATIVES.values():
        assert alternatives
        assert Alternative.OTHER not in alternatives


def test_declining_opens_a_prompt_with_suggestions() -> None:
    record, prompt = ChoiceRecord().decline(DigitalPart.DAILY_CHECK_INS, T0, "person-1")
    assert prompt.part is DigitalPart.DAILY_CHECK_INS
    assert Alternative.PHONE_CHECK_IN_CALLS in prompt.suggestions
    assert record.open_prompts() == (prompt,)
    assert record.declined_parts() == {DigitalPart.DAILY_CHECK_INS}


def test_recording_the_offer_closes_the_prompt_and_is_kept() -> None:
    record, _ = ChoiceRecord().decline(DigitalPart.VIDEO_APPOINTMENTS, T0, "person-1")
    record = record.record_offer(
        DigitalPart.VIDEO_APPOINTMENTS,
        Alternative.IN_PERSON_SESSIONS,
        T0 + timedelta(hours=2),
        "clinician-7",
        accepted=True,
    )
    assert record.open_prompts() == ()
    (offer,) = record.offers()
    assert (offer.alternative, offer.offered_by, offer.accepted) == (
        Alternative.IN_PERSON_SESSIONS,
        "clinician-7",
        True,
    )


def test_offers_must_fit_the_declined_part_or_say_what_they_are() -> None:
    record, _ = ChoiceRecord().decline(DigitalPart.SECURE_MESSAGING, T0, "person-1")
    with pytest.raises(ChoiceError, match="does not replace"):
        record.record_offer(DigitalPart.SECURE_MESSAGING, Alternative.PAPER_DIARY, T0, "c")
    with pytest.raises(ChoiceError, match="Say in the note"):
        record.record_offer(DigitalPart.SECURE_MESSAGING, Alternative.OTHER, T0, "c")
    with pytest.raises(ChoiceError, match="not declined"):
        record.record_offer(DigitalPart.DAILY_CHECK_INS, Alternative.PAPER_DIARY, T0, "c")
    ok = record.record_offer(
        DigitalPart.SECURE_MESSAGING, Alternative.OTHER, T0, "c", note="home visits by the team"
    )
    assert ok.open_prompts() == ()


def test_a_person_can_change_their_mind_and_decline_again() -> None:
    record, _ = ChoiceRecord().decline(DigitalPart.DIGITAL_SELF_HELP, T0, "p")
    record = record.reinstate(DigitalPart.DIGITAL_SELF_HELP, T0 + timedelta(days=1), "p")
    assert record.declined_parts() == frozenset()
    assert record.open_prompts() == ()
    assert record.declined_parts(at=T0) == {DigitalPart.DIGITAL_SELF_HELP}
    record, prompt = record.decline(DigitalPart.DIGITAL_SELF_HELP, T0 + timedelta(days=5), "p")
    assert prompt.declined_at == T0 + timedelta(days=5)
    with pytest.raises(ChoiceError, match="already declined"):
        record.decline(DigitalPart.DIGITAL_SELF_HELP, T0 + timedelta(days=6), "p")


def test_an_event_dated_before_the_last_one_is_a_clock_problem_not_the_readers() -> None:
    record, _ = ChoiceRecord().decline(DigitalPart.DAILY_CHECK_INS, T0, "p")
    with pytest.raises(ChoiceOrderError):
        record.reinstate(DigitalPart.DAILY_CHECK_INS, T0 - timedelta(minutes=1), "p")


def test_preferences_without_any_digital_mode_decline_every_digital_part() -> None:
    paper_and_phone = [CareModePreference.PAPER, CareModePreference.PHONE]
    assert parts_declined_by_preferences(paper_and_phone) == frozenset(DigitalPart)
    video_only = [CareModePreference.VIDEO, CareModePreference.IN_PERSON]
    assert parts_declined_by_preferences(video_only) == {DigitalPart.DIGITAL_SELF_HELP}
    assert parts_declined_by_preferences(list(CareModePreference)) == frozenset()


@given(
    st.lists(
        st.tuples(st.sampled_from(list(DigitalPart)), st.sampled_from(["decline", "reinstate"])),
        max_size=30,
    )
)
def test_every_declined_part_without_an_offer_has_a_prompt_with_something_to_offer(
    operations: list[tuple[DigitalPart, str]],
) -> None:
    record = ChoiceRecord()
    for minutes, (part, verb) in enumerate(operations):
        at = T0 + timedelta(minutes=minutes)
        try:
            record = (
                record.decline(part, at, "p")[0]
                if verb == "decline"
                else record.reinstate(part, at, "p")
            )
        except ChoiceError:
            continue
    prompted = {p.part for p in record.open_prompts()}
    assert prompted == set(record.declined_parts())
    assert all(p.suggestions for p in record.open_prompts())
