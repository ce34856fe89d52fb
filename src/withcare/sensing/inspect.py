"""Checking raw data without computing features: what is there, and what would be rejected and why.

The ``ingest`` command uses this before a long run, so problems with an export surface in seconds
rather than after hours of computation. It reads through the same readers as the pipeline, so the
counts are exactly what a feature run would report.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from withcare.sensing.consent import ProcessingGate, allow_all
from withcare.sensing.options import FeatureOptions
from withcare.sensing.readers.days import iter_stream_days
from withcare.sensing.readers.detect import open_dataset
from withcare.sensing.rejects import FileReport


@dataclass
class IngestSummary:
    format: str
    participants: int = 0
    participant_days: int = 0
    platforms: dict[str, str] = field(default_factory=dict)
    reports: list[FileReport] = field(default_factory=list)
    seconds: float = 0.0


def check_dataset(
    input_dir: Path,
    fmt: str = "auto",
    options: FeatureOptions | None = None,
    gate: ProcessingGate = allow_all,
    on_participant: Callable[[str], None] | None = None,
) -> IngestSummary:
    options = options or FeatureOptions()
    started = time.perf_counter()
    chosen, sources = open_dataset(input_dir, fmt)
    summary = IngestSummary(format=chosen)
    for source in sources:
        streams = [s for s in options.streams if gate(source.participant, s)]
        if not streams:
            continue
        days: set[date] = set()
        for stream in streams:
            for day, _ in iter_stream_days(
                source, stream, options.zone_of(source.participant), summary.reports
            ):
                days.add(day)
        summary.participants += 1
        summary.participant_days += len(days)
        summary.platforms[source.participant] = source.platform()
        if on_participant is not None:
            on_participant(source.participant)
    summary.seconds = time.perf_counter() - started
    return summary


def file_report_table(reports: list[FileReport]) -> pl.DataFrame:
    """One row per file and reason (files without problems get one row with an empty reason)."""
    rows = []
    for r in reports:
        base = {
            "file": r.path,
            "stream": r.stream,
            "rows_read": r.rows_read,
            "rows_used": r.rows_used,
            "out_of_order": r.out_of_order,
            "notes": "; ".join(r.notes),
        }
        if r.rejected:
            rows += [
                {**base, "reason": reason, "rows_rejected": n}
                for reason, n in sorted(r.rejected.items())
            ]
        else:
            rows.append({**base, "reason": "", "rows_rejected": 0})
    schema = {
        "file": pl.String(),
        "stream": pl.String(),
        "rows_read": pl.Int64(),
        "rows_used": pl.Int64(),
        "out_of_order": pl.Int64(),
        "notes": pl.String(),
        "reason": pl.String(),
        "rows_rejected": pl.Int64(),
    }
    return pl.DataFrame(rows, schema=schema)
