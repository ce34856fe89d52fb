"""One participant, end to end: raw files -> daily feature rows.

Two stages. Stage one walks each permitted stream day by day (memory bounded by a participant-day)
and produces, per day, the stream's data-quality columns, its features, and for GPS the compact
observation chunks. Stage two is study-wide and works only on those compact chunks: the gap-filled
timeline, places and home, and the daily mobility features. Incremental runs redo stage one only for
changed days and reuse the cached results of the others.
"""

from __future__ import annotations

import time as clock
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from withcare.sensing.features.gps_chunks import ChunkColumns, chunk_frame, gps_chunks
from withcare.sensing.features.mobility import MOBILITY_FEATURES, mobility_features
from withcare.sensing.features.movement import MOVEMENT_FEATURES, movement_features
from withcare.sensing.features.quality import stream_quality
from withcare.sensing.features.sociability import (
    CALL_FEATURES,
    TEXT_FEATURES,
    call_features,
    distinct_contacts,
    text_features,
)
from withcare.sensing.localtime import day_bounds_ms
from withcare.sensing.options import FeatureOptions
from withcare.sensing.readers.base import ParticipantSource
from withcare.sensing.readers.days import iter_stream_days
from withcare.sensing.rejects import FileReport
from withcare.sensing.streams import Stream, empty_frame

ID_COLUMNS: tuple[str, ...] = ("participant", "date", "timezone", "platform", "day_hours")


@dataclass
class DayParts:
    """Stage-one output of one participant: per-day columns and GPS chunks (tagged with their day)."""

    rows: dict[date, dict[str, float]] = field(default_factory=dict)
    chunks: list[tuple[date, ChunkColumns]] = field(default_factory=list)
    reports: list[FileReport] = field(default_factory=list)

    def chunk_frame(self) -> pl.DataFrame:
        """Every day's chunks as one table with a ``day`` column."""
        return chunk_frame(self.chunks)


def feature_columns(streams: Iterable[str]) -> list[str]:
    """The fixed column order of the output for the given streams (quality columns first)."""
    streams = list(streams)
    cols: list[str] = []
    for stream in streams:
        cols += [f"{stream}_minutes_with_data", f"{stream}_observed_samples"]
        if stream in ("gps", "accelerometer"):
            cols.append(f"{stream}_expected_samples")
        cols.append(f"{stream}_longest_gap_min")
    if "gps" in streams:
        cols += ["gps_fixes_used", "gps_low_accuracy_fixes", "gps_bad_fixes", *MOBILITY_FEATURES]
    if "accelerometer" in streams:
        cols += list(MOVEMENT_FEATURES)
    if "calls" in streams:
        cols += list(CALL_FEATURES)
    if "texts" in streams:
        cols += list(TEXT_FEATURES)
    if "calls" in streams or "texts" in streams:
        cols.append("num_uniq_individuals_call_or_text")
    return cols


def stage_one(
    source: ParticipantSource,
    streams: Iterable[Stream],
    options: FeatureOptions,
    only_days: set[date] | None = None,
) -> DayParts:
    """Read each permitted stream day by day; keep only small per-day results."""
    tz = options.zone_of(source.participant)
    parts = DayParts()
    social: dict[str, dict[date, pl.DataFrame]] = {"calls": {}, "texts": {}}
    for stream in streams:
        for day, frame in iter_stream_days(source, stream, tz, parts.reports, only_days):
            lo, hi = day_bounds_ms(day, tz)
            row = parts.rows.setdefault(day, {})
            row.update(stream_quality(stream, frame["t"], lo, hi, options.sampling.get(stream)))
            if stream == "gps":
                result = gps_chunks(frame, options.mobility)
                row.update(
                    gps_fixes_used=result.fixes_used,
                    gps_low_accuracy_fixes=result.low_accuracy,
                    gps_bad_fixes=result.bad_fixes,
                )
                parts.chunks.append((day, result.chunks))
            elif stream == "accelerometer":
                row.update(movement_features(frame))
            elif stream in social:
                social[stream][day] = frame
    for day, row in parts.rows.items():
        calls, texts = social["calls"].get(day), social["texts"].get(day)
        # an event log only records events: on a day the phone recorded anything, no row means zero
        if "calls" in streams:
            row.update(call_features(calls if calls is not None else empty_frame("calls")))
        if "texts" in streams:
            row.update(text_features(texts if texts is not None else empty_frame("texts")))
        if "calls" in streams or "texts" in streams:
            row["num_uniq_individuals_call_or_text"] = distinct_contacts(calls, texts)
    return parts


def stage_two(
    participant: str,
    platform: str,
    rows: dict[date, dict[str, float]],
    chunks: pl.DataFrame,
    streams: Iterable[Stream],
    options: FeatureOptions,
) -> pl.DataFrame:
    """Study-wide mobility from chunks, merged with the per-day rows into the output table."""
    streams = list(streams)
    tz = options.zone_of(participant)
    if "gps" in streams and chunks.height:
        gps_days = sorted(set(chunks["day"].to_list()))
        mobility = mobility_features(chunks.drop("day"), gps_days, tz, options.mobility)
        for day, values in mobility.items():
            rows.setdefault(day, {}).update(values)
    columns = feature_columns(streams)
    records = []
    for day in sorted(rows):
        lo, hi = day_bounds_ms(day, tz)
        record: dict[str, object] = {
            "participant": participant,
            "date": day,
            "timezone": tz,
            "platform": platform,
            "day_hours": (hi - lo) / 3_600_000,
        }
        for stream in streams:
            record.setdefault(f"{stream}_minutes_with_data", 0.0)
        record.update(_defaults(streams, options, lo, hi))
        record.update(rows[day])
        records.append({k: record.get(k) for k in (*ID_COLUMNS, *columns)})
    schema: dict[str, pl.DataType] = {
        "participant": pl.String(),
        "date": pl.Date(),
        "timezone": pl.String(),
        "platform": pl.String(),
        "day_hours": pl.Float64(),
        **dict.fromkeys(columns, pl.Float64()),
    }
    return (
        pl.DataFrame(records, schema=schema, orient="row")
        if records
        else pl.DataFrame(schema=schema)
    )


def _defaults(streams: list[Stream], options: FeatureOptions, lo: int, hi: int) -> dict[str, float]:
    """Quality columns for a stream with no rows that day: nothing observed, the whole day a gap."""
    out: dict[str, float] = {}
    for stream in streams:
        out[f"{stream}_minutes_with_data"] = 0.0
        out[f"{stream}_observed_samples"] = 0.0
        out[f"{stream}_longest_gap_min"] = (hi - lo) / 60_000
        plan = options.sampling.get(stream)
        if plan is not None and stream in ("gps", "accelerometer"):
            out[f"{stream}_expected_samples"] = plan.expected((hi - lo) / 1000)
    return out


def participant_features(
    source: ParticipantSource, options: FeatureOptions, streams: Iterable[Stream] | None = None
) -> tuple[pl.DataFrame, list[FileReport], float]:
    """All daily features of one participant, without any caching: (table, file reports, seconds)."""
    started = clock.perf_counter()
    chosen = [s for s in options.streams if streams is None or s in set(streams)]
    parts = stage_one(source, chosen, options)
    table = stage_two(
        source.participant, source.platform(), parts.rows, parts.chunk_frame(), chosen, options
    )
    return table, parts.reports, clock.perf_counter() - started
