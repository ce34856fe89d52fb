"""Time as a dependency.

Deadlines (escalations, availability windows, lockouts) must be testable without sleeping, so every
piece of code that asks "what time is it?" takes a :class:`Clock`. Production uses :class:`SystemClock`;
tests and the demo's time-travel use :class:`ControllableClock`. All times are timezone-aware UTC.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current UTC time."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ControllableClock:
    """A clock that stands still until told to move: for tests and deadline rehearsals."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("ControllableClock needs a timezone-aware start time")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move time forward (never backward: deadlines must not un-expire)."""
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        with self._lock:
            self._now += delta
            return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        with self._lock:
            if moment < self._now:
                raise ValueError("time only moves forward")
            self._now = moment
