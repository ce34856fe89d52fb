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


CLOCK_FILE_ENV = "WITHCARE_CLOCK_FILE"


class FileClock:
    """A clock shared across processes, for end-to-end tests and deadline rehearsals only.

    ``now()`` reads an ISO 8601 time from a file, so a test can move time for the web server and
    every worker at once. Never set ``WITHCARE_CLOCK_FILE`` in production: deadlines would stop.
    """

    def __init__(self, path: str) -> None:
        self.path = path

    def now(self) -> datetime:
        with open(self.path, encoding="utf-8") as handle:
            moment = datetime.fromisoformat(handle.read().strip())
        if moment.tzinfo is None:
            raise ValueError(f"{self.path} must hold a timezone-aware time")
        return moment.astimezone(UTC)

    def set(self, moment: datetime) -> None:
        """Write a new time (atomically, so a reader never sees half a time)."""
        import os

        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        temporary = f"{self.path}.tmp{os.getpid()}"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(moment.astimezone(UTC).isoformat())
        os.replace(temporary, self.path)

    def advance(self, delta: timedelta) -> datetime:
        moment = self.now() + delta
        self.set(moment)
        return moment


def clock_from_environment() -> Clock:
    """:class:`FileClock` when ``WITHCARE_CLOCK_FILE`` is set (tests only), else the system clock."""
    import os

    path = os.environ.get(CLOCK_FILE_ENV)
    return FileClock(path) if path else SystemClock()
