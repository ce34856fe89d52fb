"""Running many participants: in this process, in a local process pool, or on a Dask cluster.

The unit of work is one participant (:func:`withcare.sensing.runner.run_participant`). The caller's
consent gate is evaluated here, in the calling process, before any task is created, so the gate can
be any callable (a database-backed consent check need not be picklable), and a participant or stream
it refuses is never opened by a worker.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from withcare.sensing.consent import ProcessingGate, allow_all
from withcare.sensing.options import FeatureOptions
from withcare.sensing.readers.detect import open_dataset
from withcare.sensing.runner import ParticipantOutcome, ParticipantTask, run_participant
from withcare.sensing.store import OutputStore

Executor = Literal["local", "process", "dask"]
EXECUTORS: tuple[str, ...] = ("local", "process", "dask")


@dataclass
class RunSummary:
    """What a run did, for the end-of-run summary and for the platform's records."""

    format: str
    participants: int = 0
    participant_days: int = 0
    participant_days_computed: int = 0
    rows_read: int = 0
    rows_used: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    files: int = 0
    files_with_problems: int = 0
    seconds: float = 0.0
    outcomes: list[ParticipantOutcome] = field(default_factory=list)

    def add(self, outcome: ParticipantOutcome) -> None:
        self.outcomes.append(outcome)
        self.participant_days_computed += outcome.days_computed
        self.participant_days += outcome.days_total
        for report in outcome.reports:
            self.files += 1
            self.rows_read += report.rows_read
            self.rows_used += report.rows_used
            self.rejected.update(report.rejected)
            if report.rejected or report.notes:
                self.files_with_problems += 1

    def by_status(self) -> dict[str, int]:
        return dict(Counter(o.status for o in self.outcomes))


def run_features(
    input_dir: Path,
    output_dir: Path,
    fmt: str = "auto",
    options: FeatureOptions | None = None,
    gate: ProcessingGate = allow_all,
    executor: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    incremental: bool = True,
    participants: Iterable[str] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[ParticipantOutcome], None] | None = None,
) -> RunSummary:
    """Compute daily features for every permitted participant under ``input_dir`` into ``output_dir``.

    ``gate(participant, stream)`` decides what may be processed (the consent seam). A participant with
    no permitted stream has any earlier outputs removed and is reported as ``not permitted``.
    """
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}")
    if executor == "dask" and not scheduler:
        raise ValueError(
            "the dask executor needs a scheduler address (for example tcp://127.0.0.1:8786)"
        )
    if workers < 1:
        raise ValueError("workers must be at least 1")
    options = options or FeatureOptions()
    started = time.perf_counter()
    chosen, sources = open_dataset(input_dir, fmt)
    wanted = None if participants is None else set(participants)
    store = OutputStore(output_dir)
    store.prepare()
    manifest = store.load_manifest()
    summary = RunSummary(format=chosen)
    tasks: list[ParticipantTask] = []
    for source in sources:
        pid = source.participant
        if wanted is not None and pid not in wanted:
            continue
        streams = tuple(s for s in options.streams if gate(pid, s))
        if not streams:
            store.remove(pid)
            manifest.pop(pid, None)
            summary.add(ParticipantOutcome(pid, "not permitted"))
            continue
        tasks.append(
            ParticipantTask(
                str(input_dir),
                chosen,
                pid,
                str(output_dir),
                options,
                streams,
                manifest.get(pid),
                incremental,
            )
        )
    summary.participants = len(tasks)
    if on_start is not None:
        on_start(len(tasks))
    for outcome in _execute(tasks, executor, workers, scheduler):
        summary.add(outcome)
        if outcome.manifest_entry is not None:
            manifest[outcome.participant] = outcome.manifest_entry
        else:
            manifest.pop(outcome.participant, None)
        if on_done is not None:
            on_done(outcome)
    store.save_manifest(manifest)
    summary.seconds = time.perf_counter() - started
    return summary


def _execute(
    tasks: list[ParticipantTask], executor: str, workers: int, scheduler: str | None
) -> Iterator[ParticipantOutcome]:
    if (executor == "local" and workers == 1) or (len(tasks) <= 1 and executor != "dask"):
        for task in tasks:
            yield run_participant(task)
    elif executor in ("local", "process"):
        context = multiprocessing.get_context("spawn")  # Polars and fork do not mix
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(run_participant, task) for task in tasks]
            for future in as_completed(futures):
                yield future.result()
    else:
        yield from _execute_dask(tasks, scheduler or "")


def _execute_dask(tasks: list[ParticipantTask], scheduler: str) -> Iterator[ParticipantOutcome]:
    from distributed import Client
    from distributed import as_completed as dask_completed

    try:
        client = Client(scheduler, timeout="10s", set_as_default=False)  # type: ignore[no-untyped-call]
    except OSError as exc:
        raise ValueError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    try:
        futures: list[Any] = client.map(run_participant, tasks, pure=False)
        for future in dask_completed(futures, loop=client.loop):  # type: ignore[no-untyped-call]
            outcome: ParticipantOutcome = client.gather(future)  # type: ignore[no-untyped-call]
            yield outcome
    finally:
        client.close()  # type: ignore[no-untyped-call]
