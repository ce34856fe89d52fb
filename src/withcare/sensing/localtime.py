"""Local days in the participant's time zone, correct across daylight-saving changes.

A "day" is the participant's local calendar day, so a day may last 23, 24 or 25 hours. Everything that
needs day boundaries asks this module, so DST handling lives in one place.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl


@lru_cache(maxsize=4096)
def day_bounds_ms(day: date, tz: str) -> tuple[int, int]:
    """UTC epoch milliseconds of local midnight starting ``day`` and the next local midnight."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000)


def local_dates(t_ms: pl.Series, tz: str) -> pl.Series:
    """Local calendar date of each epoch-millisecond timestamp (vectorised, DST-aware)."""
    return (
        pl.from_epoch(t_ms, time_unit="ms")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(tz)
        .dt.date()
    )


def local_hour_of_day(t_s: np.ndarray, tz: str) -> np.ndarray:
    """Local hour (0-23, fractional) of epoch-second timestamps, for day/night splits."""
    if t_s.size == 0:
        return np.zeros(0)
    stamps = (
        pl.from_epoch(pl.Series(np.round(t_s * 1000).astype(np.int64)), time_unit="ms")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(tz)
    )
    hours = stamps.dt.hour().cast(pl.Float64) + stamps.dt.minute().cast(pl.Float64) / 60.0
    return hours.to_numpy()


def validate_timezone(tz: str) -> str:
    """Fail early with a clear message on an unknown zone name."""
    try:
        ZoneInfo(tz)
    except Exception as exc:  # ZoneInfoNotFoundError, ValueError for malformed keys
        raise ValueError(f"unknown time zone {tz!r}") from exc
    return tz
