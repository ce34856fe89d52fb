"""`withcare sensing ingest | features | run`: smartphone-sensing features from raw exports.

* ``ingest``   reads and checks a raw export (no features): participants, days, rows rejected and why.
* ``features`` computes one CSV per participant (one row per local day) into an output folder;
  re-running recomputes only participant-days whose raw files changed.
* ``run``      does both and also leaves ``file_report.csv`` and ``run_summary.json`` in the output.

Problems with the command itself (missing folder, unknown option value) are one plain sentence on
standard error and exit status 2. Bad rows in the data are never an error: they are counted.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from withcare.cli.core import fail_plain
from withcare.sensing.executors import EXECUTORS, RunSummary, run_features
from withcare.sensing.inspect import IngestSummary, check_dataset, file_report_table
from withcare.sensing.options import FeatureOptions
from withcare.sensing.readers.detect import FORMATS
from withcare.sensing.rejects import FileReport
from withcare.sensing.streams import STREAMS, Stream

InputOption = Annotated[
    Path, typer.Option("--input", "-i", help="Raw export folder (one sub-folder per participant).")
]
OutputOption = Annotated[
    Path, typer.Option("--output", "-o", help="Folder for the per-participant feature CSVs.")
]
FormatOption = Annotated[
    str, typer.Option("--format", "-f", help=f"Export layout: {', '.join(FORMATS)}.")
]
TzOption = Annotated[
    str, typer.Option("--tz", help="Participants' time zone (IANA name) for local days.")
]
TzFileOption = Annotated[
    Path | None,
    typer.Option("--tz-file", help="CSV with columns participant,timezone overriding --tz."),
]
StreamsOption = Annotated[
    str,
    typer.Option("--streams", help=f"Comma-separated streams to process ({','.join(STREAMS)})."),
]
ExecutorOption = Annotated[
    str, typer.Option("--executor", help=f"Where to run: {', '.join(EXECUTORS)}.")
]
WorkersOption = Annotated[int, typer.Option("--workers", help="Processes for the process pool.")]
SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://127.0.0.1:8786."),
]
FullOption = Annotated[
    bool, typer.Option("--full", help="Recompute everything, ignoring the manifest.")
]


def register(app: typer.Typer) -> None:
    """Add the ``sensing`` command group to the main ``withcare`` application."""
    sensing = typer.Typer(
        help="Smartphone-sensing features (Beiwe, mindLAMP exports).", no_args_is_help=True
    )
    sensing.command("ingest")(ingest)
    sensing.command("features")(features)
    sensing.command("run")(run)
    app.add_typer(sensing, name="sensing")


def _sentence(exc: Exception) -> str:
    text = str(exc).strip().rstrip(".")
    return f"{text[:1].upper()}{text[1:]}."


def _options(tz: str, tz_file: Path | None, streams: str) -> FeatureOptions:
    chosen = tuple(s.strip() for s in streams.split(",") if s.strip())
    zones: dict[str, str] = {}
    if tz_file is not None:
        try:
            import polars as pl

            table = pl.read_csv(tz_file, infer_schema=False)
            zones = dict(
                zip(table["participant"].to_list(), table["timezone"].to_list(), strict=True)
            )
        except Exception as exc:
            raise fail_plain(f"Cannot read time zones from {tz_file}: {exc}.") from None
    try:
        return FeatureOptions(tz=tz, timezones=zones, streams=chosen)  # type: ignore[arg-type]
    except ValueError as exc:
        raise fail_plain(_sentence(exc)) from None


def _check_input(path: Path, fmt: str) -> None:
    if not path.is_dir():
        raise fail_plain(f"Input folder {path} does not exist or is not a folder.")
    if fmt not in FORMATS:
        raise fail_plain(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")


def ingest(
    input_dir: InputOption,
    fmt: FormatOption = "auto",
    tz: TzOption = "UTC",
    tz_file: TzFileOption = None,
    streams: StreamsOption = ",".join(STREAMS),
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the per-file report as CSV.")
    ] = None,
) -> None:
    """Check a raw export: participants, days, platforms, and every rejected row with its reason."""
    _check_input(input_dir, fmt)
    options = _options(tz, tz_file, streams)
    console = Console(stderr=True)
    with _progress(console) as progress:
        task = progress.add_task("reading", total=None)
        try:
            summary = check_dataset(
                input_dir, fmt, options, on_participant=lambda _: progress.advance(task)
            )
        except ValueError as exc:
            raise fail_plain(_sentence(exc)) from None
    if report is not None:
        file_report_table(summary.reports).write_csv(report)
    _print_ingest(summary, console)


def features(
    input_dir: InputOption,
    output_dir: OutputOption,
    fmt: FormatOption = "auto",
    tz: TzOption = "UTC",
    tz_file: TzFileOption = None,
    streams: StreamsOption = ",".join(STREAMS),
    executor: ExecutorOption = "local",
    workers: WorkersOption = 1,
    scheduler: SchedulerOption = None,
    full: FullOption = False,
) -> None:
    """Compute daily features: one CSV per participant, one row per local day."""
    _features(input_dir, output_dir, fmt, tz, tz_file, streams, executor, workers, scheduler, full)


def run(
    input_dir: InputOption,
    output_dir: OutputOption,
    fmt: FormatOption = "auto",
    tz: TzOption = "UTC",
    tz_file: TzFileOption = None,
    streams: StreamsOption = ",".join(STREAMS),
    executor: ExecutorOption = "local",
    workers: WorkersOption = 1,
    scheduler: SchedulerOption = None,
    full: FullOption = False,
) -> None:
    """Features plus file_report.csv and run_summary.json in the output folder."""
    summary = _features(
        input_dir, output_dir, fmt, tz, tz_file, streams, executor, workers, scheduler, full
    )
    reports = [r for o in summary.outcomes for r in o.reports]
    file_report_table(reports).write_csv(output_dir / "file_report.csv")
    record = {
        "format": summary.format,
        "participants": summary.by_status(),
        "participant_days": summary.participant_days,
        "participant_days_computed": summary.participant_days_computed,
        "rows_read": summary.rows_read,
        "rows_used": summary.rows_used,
        "rows_rejected": dict(summary.rejected),
        "seconds": round(summary.seconds, 3),
    }
    (output_dir / "run_summary.json").write_text(json.dumps(record, indent=1, sort_keys=True))


def _features(
    input_dir: Path,
    output_dir: Path,
    fmt: str,
    tz: str,
    tz_file: Path | None,
    streams: str,
    executor: str,
    workers: int,
    scheduler: str | None,
    full: bool,
) -> RunSummary:
    _check_input(input_dir, fmt)
    if executor not in EXECUTORS:
        raise fail_plain(f"Unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}.")
    options = _options(tz, tz_file, streams)
    console = Console(stderr=True)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fail_plain(f"Cannot create output folder {output_dir}: {exc.strerror}.") from None
    with _progress(console) as progress:
        task = progress.add_task("participants", total=None)
        try:
            summary = run_features(
                input_dir,
                output_dir,
                fmt,
                options,
                executor=executor,
                workers=workers,
                scheduler=scheduler,
                incremental=not full,
                on_start=lambda n: progress.update(task, total=n),
                on_done=lambda _: progress.advance(task),
            )
        except ValueError as exc:
            raise fail_plain(_sentence(exc)) from None
    _print_run(summary, console)
    failed = [o for o in summary.outcomes if o.status == "failed"]
    for outcome in failed:
        console.print(
            f"[red]{outcome.participant} failed:[/red] {(outcome.error or '').splitlines()[0]}"
        )
    return summary


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _rejections(table: Table, rejected: Counter[str] | dict[str, int]) -> None:
    if not rejected:
        table.add_row("rows rejected", "0")
    for reason, count in sorted(rejected.items()):
        table.add_row(f"rejected: {reason}", str(count))


def _print_run(summary: RunSummary, console: Console) -> None:
    table = Table(title="Sensing features", show_header=False)
    table.add_row("format", summary.format)
    for status, count in sorted(summary.by_status().items()):
        table.add_row(f"participants {status}", str(count))
    table.add_row("participant-days computed", str(summary.participant_days_computed))
    table.add_row("participant-days in output", str(summary.participant_days))
    table.add_row("rows read / used", f"{summary.rows_read} / {summary.rows_used}")
    _rejections(table, summary.rejected)
    table.add_row("time taken", f"{summary.seconds:.1f} s")
    Console().print(table)


def _print_ingest(summary: IngestSummary, console: Console) -> None:
    rejected: Counter[str] = Counter()
    problems: list[FileReport] = []
    for r in summary.reports:
        rejected.update(r.rejected)
        if r.rejected or r.notes:
            problems.append(r)
    table = Table(title="Raw export check", show_header=False)
    table.add_row("format", summary.format)
    table.add_row("participants", str(summary.participants))
    table.add_row("participant-days with data", str(summary.participant_days))
    table.add_row(
        "platforms",
        ", ".join(f"{k}: {v}" for k, v in sorted(Counter(summary.platforms.values()).items())),
    )
    table.add_row("files / with problems", f"{len(summary.reports)} / {len(problems)}")
    _rejections(table, rejected)
    table.add_row("time taken", f"{summary.seconds:.1f} s")
    Console().print(table)


__all__ = ["Stream", "register"]
