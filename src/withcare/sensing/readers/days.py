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
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from withcare.sensing.localtime import day_bounds_ms, local_dates
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
    for batch in _batches(files):
        batch_reports = [FileReport(raw.key(source.root), stream) for raw in batch]
        offset = len(file_reports)
        reports.extend(batch_reports)
        file_reports.extend(batch_reports)
        frame = _screen(_parse_batch(source, batch, batch_reports), batch, batch_reports)
        if frame.height:
            frame = frame.with_columns(pl.col("_file") + offset)
            for day, part in split_by_local_day(frame, tz):
                if last_flushed is not None and day <= last_flushed:
                    for (i,), late in part.partition_by("_file", as_dict=True).items():
                        assert isinstance(i, int)
                        file_reports[i].reject(
                            "row for a day already finished (file out of place)", late.height
                        )
                elif only_days is None or day in only_days:
                    buffers[day].append(part)
        horizon = _horizon(files, offset + len(batch) - 1)
        if horizon is None:
            continue
        for day in sorted(d for d in buffers if _day_end(d, tz) <= horizon):
            yield day, _finish_day(buffers.pop(day), stream, file_reports)
            last_flushed = day
    for day in sorted(buffers):
        yield day, _finish_day(buffers.pop(day), stream, file_reports)


def _day_end(day: date, tz: str) -> int:
    return day_bounds_ms(day, tz)[1]


def split_by_local_day(frame: pl.DataFrame, tz: str) -> list[tuple[date, pl.DataFrame]]:
    """Split rows by local day using day boundaries (only the extremes are converted to local time,
    which is far cheaper than converting every row)."""
    t = frame["t"].to_numpy()
    zone = ZoneInfo(tz)
    first, last = (datetime.fromtimestamp(int(v) / 1000, zone).date() for v in (t.min(), t.max()))
    if first == last:
        return [(first, frame)]
    days = _date_range(first, last)
    edges = np.array([day_bounds_ms(d, tz)[1] for d in days[:-1]], dtype=np.int64)
    which = np.searchsorted(edges, t, side="right")
    if not bool((which[1:] >= which[:-1]).all()):
        # rows out of time order (rare): put each day's rows together, keeping their order
        order = np.argsort(which, kind="stable")
        frame, which = frame[order], which[order]
    # each day is now one run of rows: a slice, no copy
    cuts = np.searchsorted(which, np.arange(len(days) + 1))
    return [
        (day, frame.slice(int(cuts[i]), int(cuts[i + 1] - cuts[i])))
        for i, day in enumerate(days)
        if cuts[i + 1] > cuts[i]
    ]


def _horizon(files: list[RawFile], index: int) -> int | None:
    """Earliest timestamp any later file may hold (None: unknown, keep buffering)."""
    if index + 1 >= len(files):
        return None
    nxt = files[index + 1].hour_ms
    return None if nxt is None else nxt - BEFORE_HOUR_MS


def _batches(files: list[RawFile]) -> Iterator[list[RawFile]]:
    """Files of the same UTC day go together (one multi-threaded read); unnamed files alone."""
    batch: list[RawFile] = []
    for raw in files:
        key = None if raw.hour_ms is None else raw.hour_ms // 86_400_000
        if batch and (
            key is None or batch[-1].hour_ms is None or batch[-1].hour_ms // 86_400_000 != key
        ):
            yield batch
            batch = []
        batch.append(raw)
    if batch:
        yield batch


def _parse_batch(
    source: ParticipantSource, batch: list[RawFile], reports: list[FileReport]
) -> pl.DataFrame:
    parse_many = getattr(source, "parse_many", None)
    if parse_many is not None:
        frame: pl.DataFrame = parse_many(batch, reports)
        return frame
    frames = [
        source.parse(raw, report).with_columns(pl.lit(i, dtype=pl.Int32).alias("_file"))
        for i, (raw, report) in enumerate(zip(batch, reports, strict=True))
    ]
    return pl.concat(frames)


def _screen(frame: pl.DataFrame, batch: list[RawFile], reports: list[FileReport]) -> pl.DataFrame:
    """Reject rows whose time cannot be right; count (not reject) rows that are merely out of order."""
    if frame.height == 0:
        return frame
    hours = np.array([-1 if r.hour_ms is None else r.hour_ms for r in batch], dtype=np.int64)
    named = hours >= 0
    lo_f = np.where(named, hours - BEFORE_HOUR_MS, PLAUSIBLE_MS[0])
    hi_f = np.where(named, hours + AFTER_HOUR_MS, PLAUSIBLE_MS[1])
    fi = frame["_file"].to_numpy()
    t = frame["t"].to_numpy()
    inside = None if _all_inside(fi, t, lo_f, hi_f) else (t >= lo_f[fi]) & (t < hi_f[fi])
    if inside is not None and not inside.all():
        for i in np.unique(fi[~inside]):
            reason = "timestamp outside the file's hour" if named[i] else "implausible timestamp"
            reports[int(i)].reject(reason, int(((fi == i) & ~inside).sum()))
        frame = frame.filter(pl.Series(inside))
        fi, t = fi[inside], t[inside]
    back = np.flatnonzero((np.diff(t) < 0) & (fi[1:] == fi[:-1]))
    for i, count in zip(*np.unique(fi[back + 1], return_counts=True), strict=True):
        reports[int(i)].out_of_order += int(count)
    return frame


def _all_inside(fi: np.ndarray, t: np.ndarray, lo_f: np.ndarray, hi_f: np.ndarray) -> bool:
    """Cheap check that every row lies in its file's bounds: rows come in runs of one file, so the
    earliest and latest time of each run decide it (instead of two gathers per row)."""
    starts = np.flatnonzero(np.r_[True, fi[1:] != fi[:-1]])
    ids = fi[starts]
    earliest = np.minimum.reduceat(t, starts)
    latest = np.maximum.reduceat(t, starts)
    return bool((earliest >= lo_f[ids]).all() and (latest < hi_f[ids]).all())


def _finish_day(
    parts: list[pl.DataFrame], stream: Stream, reports: list[FileReport]
) -> pl.DataFrame:
    """Sort the day's rows, drop duplicates (charged to the later file), and record rows used."""
    frame = pl.concat(parts) if len(parts) > 1 else parts[0]
    t = frame["t"].to_numpy()
    files = frame["_file"].to_numpy()
    if (np.diff(t) < 0).any() or (np.diff(files) < 0).any():
        frame = frame.sort(["t", "_file"], maintain_order=True)
        files = frame["_file"].to_numpy()
    columns = list(SCHEMAS[stream])
    if stream in _SAMPLED:
        duplicate, conflict = _sampled_duplicates(frame, columns)
    else:
        duplicate = (~frame.select(pl.struct(columns).is_first_distinct())[columns[0]]).to_numpy()
        conflict = np.zeros(frame.height, dtype=bool)
    drop = duplicate | conflict
    size = int(files.max()) + 1 if files.size else 0
    present = np.bincount(files, minlength=size)
    dropping = bool(drop.any())
    if dropping:
        dup_n = np.bincount(files[duplicate], minlength=size)
        conflict_n = np.bincount(files[conflict], minlength=size)
        used_n = np.bincount(files[~drop], minlength=size)
    else:  # the usual case: nothing to drop, so every row of every file is used
        dup_n = conflict_n = np.zeros(size, dtype=np.int64)
        used_n = present
    for i in np.flatnonzero(present):
        report = reports[int(i)]
        report.reject("duplicate row", int(dup_n[i]))
        report.reject("conflicting duplicate timestamp", int(conflict_n[i]))
        report.rows_used += int(used_n[i])
    kept = frame.filter(pl.Series(~drop)) if dropping else frame
    return kept.select(columns)


def _sampled_duplicates(frame: pl.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Rows repeating the previous row's timestamp: exact copies are duplicates, others conflicts."""
    t = frame["t"].to_numpy()
    repeat = np.zeros(t.size, dtype=bool)
    repeat[1:] = t[1:] == t[:-1]
    if not repeat.any():
        return repeat, repeat
    same = repeat.copy()
    for name in columns[1:]:
        v = frame[name].to_numpy()
        equal = np.zeros(t.size, dtype=bool)
        equal[1:] = (v[1:] == v[:-1]) | (np.isnan(v[1:]) & np.isnan(v[:-1]))
        same &= equal
    return same, repeat & ~same
