"""Working-day arithmetic properties over arbitrary moments and holiday lists."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from withcare.domain.safety.working_days import WorkingCalendar

moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
holiday_sets = st.frozensets(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2031, 3, 1)), max_size=30
)


@settings(max_examples=300, deadline=None)
@given(moment=moments, days=st.integers(min_value=1, max_value=15), holidays=holiday_sets)
def test_result_is_a_later_working_day(
    moment: datetime, days: int, holidays: frozenset[date]
) -> None:
    calendar = WorkingCalendar(holidays=holidays)
    due = calendar.add_working_days(moment, days)
    assert due > moment
    local = due.astimezone(ZoneInfo(calendar.timezone))
    assert calendar.is_working_day(local.date())
    assert due - moment >= timedelta(hours=days * 23)  # at least a (short DST) day per working day


@settings(max_examples=300, deadline=None)
@given(
    moment=moments,
    first=st.integers(min_value=0, max_value=10),
    second=st.integers(min_value=0, max_value=10),
    holidays=holiday_sets,
)
def test_adding_in_two_steps_equals_adding_at_once(
    moment: datetime, first: int, second: int, holidays: frozenset[date]
) -> None:
    calendar = WorkingCalendar(holidays=holidays)
    once = calendar.add_working_days(moment, first + second)
    twice = calendar.add_working_days(calendar.add_working_days(moment, first), second)
    assert once == twice
