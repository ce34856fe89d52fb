"""`withcare sensing ingest-platform`: process a raw export for enrolled people into the platform.

Unlike ``withcare sensing features`` (files in, files out, no database), this asks the platform's
consent policy point for every enrolled person and stream at the moment of the run, processes only
what is allowed, stores the daily features and records the run. Participants in the export who are
not enrolled are never read; they are listed in the summary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from withcare.cli.core import DatabaseUrl, DataDir, fail, migrate_with_status, open_platform
from withcare.services.errors import InvalidInput
from withcare.services.sensing import FORMATS, ProcessResult

console = Console()


def ingest_platform(
    input: Annotated[
        Path,
        typer.Option("--input", "-i", help="Raw export folder (one sub-folder per participant)."),
    ],
    format: Annotated[
        str, typer.Option("--format", "-f", help=f"Export layout: {', '.join(FORMATS)}.")
    ] = "auto",
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Process a raw export for enrolled people who allow it, and store their daily features."""
    if format not in FORMATS:
        raise fail(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}.")
    if not input.is_dir():
        raise fail(f"there is no folder at {input}.")
    platform = open_platform(data_dir, database_url)
    migrate_with_status(platform)
    with Progress(
        TextColumn("Processing participants"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("sensing", total=None)
        try:
            result = platform.sensing.process(
                None,
                input,
                format,
                source="cli",
                on_start=lambda n: progress.update(task, total=n),
                on_done=lambda _outcome: progress.advance(task),
            )
        except InvalidInput as error:
            raise fail(str(error)) from None
    _print(result)


def _print(result: ProcessResult) -> None:
    summary = result.summary
    table = Table(title="Sensing run (stored in the platform)", show_header=False)
    table.add_row("Run", result.run_id)
    table.add_row("Format", summary.format)
    table.add_row("People processed", str(result.people_processed))
    table.add_row("People not processed (no consent now)", str(result.people_not_permitted))
    table.add_row(
        "Participants in the export but not enrolled (not read)", str(len(result.unenrolled))
    )
    table.add_row("Participant-days", str(summary.participant_days))
    table.add_row("Participant-days computed", str(summary.participant_days_computed))
    table.add_row("Days stored", str(result.days_stored))
    table.add_row("Rows read", str(summary.rows_read))
    table.add_row("Rows rejected", str(sum(summary.rejected.values())))
    for reason, count in sorted(summary.rejected.items()):
        table.add_row(f"  rejected: {reason}", str(count))
    table.add_row("Time taken", f"{summary.seconds:.1f} s")
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``ingest-platform`` to the ``sensing`` group (or a group of its own if absent)."""
    for group in app.registered_groups:
        if group.name == "sensing" and group.typer_instance is not None:
            group.typer_instance.command("ingest-platform")(ingest_platform)
            return
    sensing = typer.Typer(help="Smartphone sensing in the platform.", no_args_is_help=True)
    sensing.command("ingest-platform")(ingest_platform)
    app.add_typer(sensing, name="sensing")
