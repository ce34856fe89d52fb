"""Streaming raw files into complete local days, one participant-stream at a time.

Files are read in the order of the hour they hold. A day is handed on as soon as no later file can
contain rows for it, so at most two days are buffered: memory is bounded by a participant-day, not by
the data set. Rows are trusted to lie near their file's hour (one hour before to two after: clocks
drift and files straddle midnight); rows further away are rejected with a reason, which is also what
makes incremental re-runs exact (a file can only affect the days its hour touches).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

import polars as pl

from withcare.sensing.localtime import local_dates
from withcare.sensing.readers.base import PLAUSIBLE_MS, ParticipantSource, RawFile
from withcare.sensing.rejects import FileReport
from withcare.sensing.streams import SCHEMAS, Stream

HOUR_MS = 3_600_000
BEFORE_HOUR_MS = HOUR_MS  # rows may start this long before the file's hour
AFTER_HOUR_MS = 2 * HOUR_MS  # ... and end this long after its start

#: Sensor streams sample at most once per timestamp; a second value at the same instant is a conflict.
_SAMPLED: frozenset[str] = frozenset({"gps", "accelerometer"})


def candidate_days(raw: RawFile, tz: str) -> set[date] | None:
    """Local days a file can contribute rows to (None: unknown, so any day)."""
    if raw.hour_ms is None:
        return None
    bounds = pl.Series(
        [raw.hour_ms - BEFORE_HOUR_MS, raw.hour_ms + AFTER_HOUR_MS - 1], dtype=pl.Int64
    )
    days = local_dates(bounds, tz).to_list()
    return set(_date_range(days[0], days[-1]))


def _date_range(first: date, last: date) -> list[date]:
    return [date.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1)]


def iter_stream_days(
    source: ParticipantSource,
    stream: Stream,
    tz: str,
    reports: list[FileReport],
    only_days: set[date] | None = None,
) -> Iterator[tuple[date, pl.DataFrame]]:
    """Yield ``(local_day, canonical rows sorted by time)`` for each day with data, in date order.

    ``reports`` receives one :class:`FileReport` per file read. ``only_days`` restricts the work to
    those days (for incremental runs): files that cannot touch them are not opened.
    """
    files = source.files(stream)
    if only_days is not None:
        files = [f for f in files if (days := candidate_days(f, tz)) is None or days & only_days]
    buffers: dict[date, list[pl.DataFrame]] = defaultdict(list)
    file_reports: list[FileReport] = []
    last_flushed: date | None = None
    for index, raw in enumerate(files):
        report = FileReport(raw.key(source.root), stream)
        reports.append(report)
        file_reports.append(report)
        frame = _screen(source.parse(raw, report), raw, report)
        if frame.height:
            frame = frame.with_columns(
                pl.lit(index, dtype=pl.Int32).alias("_file"),
                local_dates(frame["t"], tz).alias("_day"),
            )
            for (day,), part in frame.partition_by(
                "_day", as_dict=True, maintain_order=True
            ).items():
                assert isinstance(day, date)
                if last_flushed is not None and day <= last_flushed:
                    report.reject("row for a day already finished (file out of place)", part.height)
                elif only_days is None or day in only_days:
                    buffers[day].append(part)
        horizon = _horizon(files, index)
        if horizon is None:
            continue
        for day in sorted(d for d in buffers if _day_end(d, tz) <= horizon):
            yield day, _finish_day(buffers.pop(day), stream, file_reports)
            last_flushed = day
    for day in sorted(buffers):
        yield day, _finish_day(buffers.pop(day), stream, file_reports)


def _day_end(day: date, tz: str) -> int:
    from withcare.sensing.localtime import day_bounds_ms

    return day_bounds_ms(day, tz)[1]


def _horizon(files: list[RawFile], index: int) -> int | None:
    """Earliest timestamp any later file may hold (None: unknown, keep buffering)."""
    if index + 1 >= len(files):
        return None
    nxt = files[index + 1].hour_ms
    return None if nxt is None else nxt - BEFORE_HOUR_MS


def _screen(frame: pl.DataFrame, raw: RawFile, report: FileReport) -> pl.DataFrame:
    """Reject rows whose time cannot be right; count (not reject) rows that are merely out of order."""
    if frame.height == 0:
        return frame
    if raw.hour_ms is not None:
        lo, hi = raw.hour_ms - BEFORE_HOUR_MS, raw.hour_ms + AFTER_HOUR_MS
        reason = "timestamp outside the file's hour"
    else:
        lo, hi = PLAUSIBLE_MS
        reason = "implausible timestamp"
    inside = frame["t"].is_between(lo, hi, closed="left")
    report.reject(reason, int((~inside).sum()))
    frame = frame.filter(inside)
    if frame.height > 1:
        report.out_of_order += int((frame["t"].diff() < 0).sum())
    return frame


def _finish_day(
    parts: list[pl.DataFrame], stream: Stream, reports: list[FileReport]
) -> pl.DataFrame:
    """Sort the day's rows, drop duplicates (charged to the later file), and record rows used."""
    frame = pl.concat(parts).sort(["t", "_file"], maintain_order=True)
    columns = list(SCHEMAS[stream])
    duplicate = ~pl.struct(columns).is_first_distinct()
    conflict = ~pl.col("t").is_first_distinct() if stream in _SAMPLED else pl.lit(False)
    frame = frame.with_columns(duplicate.alias("_dup"), (conflict & ~duplicate).alias("_conflict"))
    counts = frame.group_by("_file").agg(
        pl.col("_dup").sum().alias("dup"),
        pl.col("_conflict").sum().alias("conflict"),
        (~pl.col("_dup") & ~pl.col("_conflict")).sum().alias("used"),
    )
    for file_index, dup, conflict_n, used in counts.iter_rows():
        report = reports[file_index]
        report.reject("duplicate row", int(dup))
        report.reject("conflicting duplicate timestamp", int(conflict_n))
        report.rows_used += int(used)
    return frame.filter(~pl.col("_dup") & ~pl.col("_conflict")).select(columns)
