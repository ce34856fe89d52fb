"""One participant as a unit of work: decide what changed, compute, write, and report.

:func:`run_participant` takes only picklable arguments, so the same function runs in-process, in a
process pool and on Dask workers. It never raises: a failure is reported as an outcome.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import polars as pl

from withcare.sensing.options import FeatureOptions
from withcare.sensing.pipeline import stage_one, stage_two
from withcare.sensing.readers.base import RawFile
from withcare.sensing.readers.beiwe import hour_of_name
from withcare.sensing.readers.days import candidate_days
from withcare.sensing.readers.detect import open_participant
from withcare.sensing.rejects import FileReport
from withcare.sensing.store import OutputStore
from withcare.sensing.streams import STREAMS, Stream

Status = Literal["computed", "updated", "unchanged", "not permitted", "failed"]


@dataclass(frozen=True)
class ParticipantTask:
    root: str
    fmt: str
    participant: str
    out_dir: str
    options: FeatureOptions
    streams: tuple[Stream, ...]
    previous: dict[str, Any] | None = None
    incremental: bool = True


@dataclass
class ParticipantOutcome:
    participant: str
    status: Status
    days_computed: int = 0
    days_total: int = 0
    reports: list[FileReport] = field(default_factory=list)
    manifest_entry: dict[str, Any] | None = None
    seconds: float = 0.0
    error: str | None = None


def run_participant(task: ParticipantTask) -> ParticipantOutcome:
    started = time.perf_counter()
    try:
        outcome = _run(task)
    except Exception as exc:  # a bad participant must not stop the study
        error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
        outcome = ParticipantOutcome(task.participant, "failed", error=error)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _run(task: ParticipantTask) -> ParticipantOutcome:
    root, store = Path(task.root), OutputStore(Path(task.out_dir))
    source = open_participant(root, task.fmt, task.participant)
    tz = task.options.zone_of(task.participant)
    stats = source.file_stats()
    entry = {
        "fingerprint": task.options.fingerprint(task.participant),
        "streams": list(task.streams),
        "files": stats,
    }
    changed_days = _changed_days(task, entry, store, tz)
    if changed_days == set():
        return ParticipantOutcome(task.participant, "unchanged", manifest_entry=entry)

    cached = store.read_cache(task.participant) if changed_days is not None else None
    if cached is None:
        changed_days = None
    parts = stage_one(source, task.streams, task.options, only_days=changed_days)
    new_rows = _rows_frame(parts.rows)
    new_chunks = parts.chunk_frame()
    if cached is not None and changed_days is not None:
        old_rows, old_chunks = cached
        keep_rows = old_rows.filter(~pl.col("date").is_in(sorted(changed_days)))
        keep_chunks = old_chunks.filter(~pl.col("day").is_in(sorted(changed_days)))
        rows = pl.concat([keep_rows, new_rows], how="diagonal_relaxed").sort("date")
        chunks = pl.concat([keep_chunks, new_chunks]).sort("start")
        status: Status = "updated"
    else:
        rows, chunks, status = new_rows, new_chunks, "computed"
    store.write_cache(task.participant, rows, chunks)
    table = stage_two(
        task.participant, source.platform(), _rows_dict(rows), chunks, task.streams, task.options
    )
    store.write_features(task.participant, table)
    computed = len(parts.rows)
    return ParticipantOutcome(
        task.participant, status, computed, table.height, parts.reports, entry
    )


def _changed_days(
    task: ParticipantTask, entry: dict[str, Any], store: OutputStore, tz: str
) -> set[date] | None:
    """Days whose raw files changed; ``None`` means everything must be recomputed."""
    prev = task.previous
    if not task.incremental or prev is None or not store.has_outputs(task.participant):
        return None
    if prev.get("fingerprint") != entry["fingerprint"] or prev.get("streams") != entry["streams"]:
        return None
    old_files: dict[str, list[int]] = prev.get("files", {})
    new_files: dict[str, list[int]] = entry["files"]
    touched = [k for k in set(old_files) | set(new_files) if old_files.get(k) != new_files.get(k)]
    days: set[date] = set()
    for key in touched:
        parts = key.split("/")
        stream = parts[-2] if len(parts) >= 2 else ""
        hour = hour_of_name(parts[-1])
        if stream not in STREAMS or hour is None:
            return None  # identifiers, or a layout without hourly files: recompute the participant
        found = candidate_days(RawFile(Path(key), stream, hour), tz)
        if found is None:
            return None
        days |= found
    return days


def _rows_frame(rows: dict[date, dict[str, float]]) -> pl.DataFrame:
    if not rows:
        return pl.DataFrame(schema={"date": pl.Date()})
    records = [{"date": day, **values} for day, values in sorted(rows.items())]
    return pl.DataFrame(records, infer_schema_length=None).with_columns(
        pl.exclude("date").cast(pl.Float64)
    )


def _rows_dict(rows: pl.DataFrame) -> dict[date, dict[str, float]]:
    out: dict[date, dict[str, float]] = {}
    for record in rows.iter_rows(named=True):
        day = record.pop("date")
        out[day] = {k: v for k, v in record.items() if v is not None}
    return out
