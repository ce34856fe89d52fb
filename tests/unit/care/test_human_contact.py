"""P2 human-contact measures, the digital-only flag and the discharge guard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from withcare.domain.care.human_contact import (
    DEFAULT_DIGITAL_ONLY_INTERVAL,
    Contact,
    DischargeConfirmation,
    DischargeConfirmationRequired,
    check_discharge,
    discharge_needs_confirmation,
    service_summary,
    summarise,
)
from withcare.domain.care.modes import ContactMode

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def day(n: float) -> datetime:
    return START + timedelta(days=n)


def test_days_since_last_human_contact_and_share() -> None:
    contacts = [
        Contact(day(1), ContactMode.IN_PERSON),
        Contact(day(3), ContactMode.DIGITAL_SELF_HELP),
        Contact(day(10), ContactMode.PHONE),
        Contact(day(12), ContactMode.DIGITAL_SELF_HELP),
        Contact(day(30), ContactMode.VIDEO),  # booked, in the future
        Contact(day(-3), ContactMode.VIDEO),  # an earlier episode
    ]
    summary = summarise(contacts, as_of=day(20.5), episode_start=START)
    assert summary.days_since_last_human_contact == 10
    assert summary.human_share == Fraction(2, 4)
    assert not summary.digital_only


def test_the_default_interval_is_six_weeks_and_the_flag_starts_after_it() -> None:
    assert timedelta(weeks=6) == DEFAULT_DIGITAL_ONLY_INTERVAL
    contacts = [Contact(day(0), ContactMode.PHONE)] + [
        Contact(day(n), ContactMode.DIGITAL_SELF_HELP) for n in range(1, 60)
    ]
    assert not summarise(contacts, as_of=day(42), episode_start=START).digital_only
    assert summarise(contacts, as_of=day(42.01), episode_start=START).digital_only


def test_never_any_human_contact_counts_from_the_episode_start() -> None:
    contacts = [Contact(day(n), ContactMode.DIGITAL_SELF_HELP) for n in range(0, 30)]
    summary = summarise(contacts, as_of=day(29), episode_start=START, interval=timedelta(weeks=4))
    assert summary.days_since_last_human_contact is None
    assert summary.human_share == 0
    assert summary.digital_only
    empty = summarise([], as_of=day(50), episode_start=START)
    assert empty.human_share is None
    assert empty.digital_only


def test_discharge_after_digital_only_care_needs_a_reasoned_confirmation() -> None:
    digital = summarise([], as_of=day(60), episode_start=START)
    assert discharge_needs_confirmation(digital)
    with pytest.raises(DischargeConfirmationRequired, match="60 days"):
        check_discharge(digital, None)
    with pytest.raises(DischargeConfirmationRequired):
        check_discharge(digital, DischargeConfirmation("clin-1", day(60), "  "))
    check_discharge(digital, DischargeConfirmation("clin-1", day(60), "moved abroad; GP informed"))
    human = summarise([Contact(day(55), ContactMode.PHONE)], as_of=day(60), episode_start=START)
    assert not discharge_needs_confirmation(human)
    check_discharge(human, None)


def test_the_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        summarise([], as_of=day(1), episode_start=START, interval=timedelta(0))


def test_service_summary_counts_flags_and_shares() -> None:
    people = [
        summarise([Contact(day(1), ContactMode.PHONE)], as_of=day(5), episode_start=START),
        summarise([Contact(day(1), ContactMode.DIGITAL_SELF_HELP)], day(50), START),
        summarise([Contact(day(2), ContactMode.VIDEO)], as_of=day(9), episode_start=START),
    ]
    service = service_summary(people)
    assert (service.people, service.digital_only, service.never_had_human_contact) == (3, 1, 1)
    assert service.human_share == Fraction(2, 3)
    assert service.median_days_since_human_contact == 5.5
    assert service_summary([]).human_share is None


modes = st.sampled_from(list(ContactMode))


@given(st.lists(st.tuples(st.integers(0, 200), modes), max_size=40), st.integers(0, 200))
def test_flag_means_no_human_contact_within_the_interval(
    raw: list[tuple[int, ContactMode]], as_of_day: int
) -> None:
    contacts = [Contact(day(d), m) for d, m in raw]
    as_of = day(as_of_day)
    summary = summarise(contacts, as_of=as_of, episode_start=START)
    window_start = as_of - DEFAULT_DIGITAL_ONLY_INTERVAL
    human_in_window = any(c.mode.is_human and window_start <= c.at <= as_of for c in contacts)
    episode_older_than_interval = as_of - START > DEFAULT_DIGITAL_ONLY_INTERVAL
    assert summary.digital_only == (episode_older_than_interval and not human_in_window)
