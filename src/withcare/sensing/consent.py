"""The consent seam: the caller decides what may be processed.

The library has no idea who consented to what; the platform's consent service does. Every entry point
takes a :data:`ProcessingGate`, called with a participant id and a stream name before any raw file of
that stream is opened. Returning ``False`` means the stream is never read for that participant, so a
withdrawal takes effect from the next run without the library holding any consent state itself.
"""

from __future__ import annotations

from collections.abc import Callable

ProcessingGate = Callable[[str, str], bool]


def allow_all(participant: str, stream: str) -> bool:
    """The gate for research use on data already screened for consent (and for tests)."""
    del participant, stream
    return True
