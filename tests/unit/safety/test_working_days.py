"""Working-day deadlines: weekends, pluggable holidays, clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfoNotFoundError

import pytest

from withcare.domain.safety.working_days import WorkingCalendar, parse_holiday_lines

CALENDAR = WorkingCalendar()


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (utc(2026, 1, 5, 10), 1, utc(2026, 1, 6, 10)),  # Monday -> Tuesday, same time
        (utc(2026, 1, 9, 15), 1, utc(2026, 1, 12, 15)),  # Friday -> Monday
        (utc(2026, 1, 10, 10), 1, utc(2026, 1, 13, 9)),  # Saturday rolls to Monday 09:00 first
        (utc(2026, 1, 11, 23), 2, utc(2026, 1, 14, 9)),  # Sunday night
        (utc(2026, 1, 5, 10), 5, utc(2026, 1, 12, 10)),  # a working week
        (utc(2026, 1, 5, 10), 0, utc(2026, 1, 5, 10)),
    ],
)
def test_adding_working_days(start: datetime, days: int, expected: datetime) -> None:
    assert CALENDAR.add_working_days(start, days) == expected


def test_the_default_has_no_bank_holidays_and_a_list_can_be_plugged_in() -> None:
    christmas_eve = utc(2026, 12, 24, 12)  # Thursday
    assert CALENDAR.add_working_days(christmas_eve, 1) == utc(2026, 12, 25, 12)
    holidays = parse_holiday_lines(["# England and Wales, example", "2026-12-25", "", "2026-12-28"])
    assert holidays == {date(2026, 12, 25), date(2026, 12, 28)}
    with_holidays = CALENDAR.with_holidays(holidays)
    assert with_holidays.add_working_days(christmas_eve, 1) == utc(2026, 12, 29, 12)


def test_local_clock_time_is_kept_across_the_change_to_summer_time() -> None:
    # Friday 27 March 2026 12:00 GMT; clocks go forward on Sunday 29 March.
    assert CALENDAR.add_working_days(utc(2026, 3, 27, 12), 1) == utc(2026, 3, 30, 11)


def test_naive_times_and_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        CALENDAR.add_working_days(datetime(2026, 1, 5, 9), 1)
    with pytest.raises(ValueError, match="forward"):
        CALENDAR.add_working_days(utc(2026, 1, 5, 9), -1)


def test_bad_calendars_fail_when_configured() -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(working_weekdays=frozenset())
    with pytest.raises(ValueError):
        WorkingCalendar(working_weekdays=frozenset({7}))
    with pytest.raises(ZoneInfoNotFoundError):
        WorkingCalendar(timezone="Mars/Olympus_Mons")


def test_a_calendar_with_no_working_day_left_is_refused() -> None:
    every_day = {date(2026, 1, 1).fromordinal(date(2026, 1, 1).toordinal() + n) for n in range(400)}
    calendar = WorkingCalendar(day_starts=time(8, 0)).with_holidays(every_day)
    with pytest.raises(ValueError, match="no working day"):
        calendar.add_working_days(utc(2026, 1, 5, 9), 1)
