"""Working-day arithmetic for deadlines such as "moderate risk: acknowledge within 1 working day".

"n working days after t" is the same local clock time on the n-th working day after t's date. A
moment on a non-working day first rolls forward to the start of the next working day, so a
Saturday-morning signal is due on Tuesday 09:00 (one full working day), not on Monday at dawn.

The default calendar has weekends but **no bank holidays**: which holidays apply depends on the
nation (England and Wales, Scotland, Northern Ireland differ) and the year, so a service plugs in its
own list with :meth:`WorkingCalendar.with_holidays` or :func:`parse_holiday_lines`. Local time is
Europe/London by default, so a deadline honours BST/GMT changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MONDAY_TO_FRIDAY = frozenset(range(5))


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    timezone: str = "Europe/London"
    working_weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    holidays: frozenset[date] = field(default_factory=frozenset)
    day_starts: time = time(9, 0)

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # fail at configuration time, not at the first deadline
        if not self.working_weekdays or not self.working_weekdays <= set(range(7)):
            raise ValueError("working_weekdays must be a non-empty subset of 0 (Mon) .. 6 (Sun)")

    def with_holidays(self, holidays: Iterable[date]) -> WorkingCalendar:
        return replace(self, holidays=self.holidays | frozenset(holidays))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_weekdays and day not in self.holidays

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """``moment`` plus ``days`` working days, returned in UTC."""
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        if days < 0:
            raise ValueError("working days only move forward")
        zone = ZoneInfo(self.timezone)
        local = moment.astimezone(zone)
        day, clock = local.date(), local.timetz().replace(tzinfo=None)
        if not self.is_working_day(day):
            day, clock = self._next_working_day(day), self.day_starts
        for _ in range(days):
            day = self._next_working_day(day)
        return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)

    def _next_working_day(self, day: date) -> date:
        candidate = day + timedelta(days=1)
        for _ in range(366):
            if self.is_working_day(candidate):
                return candidate
            candidate += timedelta(days=1)
        raise ValueError("no working day within a year: check the holiday list")


def parse_holiday_lines(lines: Iterable[str]) -> frozenset[date]:
    """Holidays from text, one ISO date per line; blank lines and ``#`` comments are ignored."""
    holidays = set()
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if line:
            holidays.add(date.fromisoformat(line))
    return frozenset(holidays)
