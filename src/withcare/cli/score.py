"""`withcare score --batch` and `withcare outcomes --batch`: bulk scoring for services and research.

Input is JSON lines (default) or CSV, from a file or standard input; output goes to standard output
in the same format unless ``--output-format`` says otherwise. A malformed line becomes an error line
and the rest are still processed, so the exit status is 0 once the input could be read. Problems
with the command itself (no ``--batch``, unreadable file) are one plain sentence and exit status 2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from withcare.cli.core import fail_plain
from withcare.domain.measures.batch import (
    OUTCOME_COLUMNS,
    Format,
    Record,
    csv_lines,
    jsonl_lines,
    outcomes_csv,
    outcomes_jsonl,
    score_csv,
    score_csv_columns,
    score_jsonl,
)

FileArgument = Annotated[
    Path | None,
    typer.Argument(help="Input file; standard input when omitted or '-'.", show_default=False),
]
BatchOption = Annotated[
    bool, typer.Option("--batch", help="Process every line of the input (the only mode).")
]
FormatOption = Annotated[Format, typer.Option("--format", help="Input format: jsonl or csv.")]
OutputFormatOption = Annotated[
    Format | None,
    typer.Option("--output-format", help="Output format; defaults to the input format."),
]


def _open(file: Path | None) -> BinaryIO:
    if file is None or not _is_file(file):
        return typer.get_binary_stream("stdin")
    try:
        return file.open("rb")
    except OSError as error:
        raise fail_plain(f"Cannot read {file}: {error.strerror}.") from None


def _run(
    file: Path | None,
    batch: bool,
    fmt: Format,
    output_format: Format | None,
    from_jsonl: Callable[[Iterable[bytes]], Iterator[Record]],
    from_csv: Callable[[str], Iterator[Record]],
    columns: Sequence[str],
) -> None:
    if not batch:
        raise fail_plain(
            "Only batch mode is available: add --batch (input from FILE or standard input)."
        )
    stream = _open(file)
    try:
        if fmt is Format.CSV:
            records = from_csv(stream.read().decode("utf-8-sig", errors="replace"))
        else:
            records = from_jsonl(stream)
        _write(records, output_format or fmt, columns)
    except OSError as error:
        raise fail_plain(f"Cannot read the input: {error.strerror}.") from None
    finally:
        if _is_file(file):
            stream.close()


def _is_file(file: Path | None) -> bool:
    return file is not None and str(file) != "-"


def _write(records: Iterable[Mapping[str, object]], fmt: Format, columns: Sequence[str]) -> None:
    lines = csv_lines(records, columns) if fmt is Format.CSV else jsonl_lines(records)
    for line in lines:
        typer.echo(line, nl=False)


def score_command(
    file: FileArgument = None,
    batch: BatchOption = False,
    fmt: FormatOption = Format.JSONL,
    output_format: OutputFormatOption = None,
) -> None:
    """Score administrations: {"instrument", "responses", "encoding"?} per line, or CSV with
    instrument, encoding and item_1..item_n columns."""
    _run(file, batch, fmt, output_format, score_jsonl, score_csv, score_csv_columns())


def outcomes_command(
    file: FileArgument = None,
    batch: BatchOption = False,
    fmt: FormatOption = Format.JSONL,
    output_format: OutputFormatOption = None,
) -> None:
    """NHS Talking Therapies course outcomes from {"phq9_first", "phq9_last", "gad7_first",
    "gad7_last"} per line (or CSV with those columns)."""
    _run(file, batch, fmt, output_format, outcomes_jsonl, outcomes_csv, OUTCOME_COLUMNS)


def register(app: typer.Typer) -> None:
    """Add ``score`` and ``outcomes`` to the ``withcare`` application."""
    app.command("score")(score_command)
    app.command("outcomes")(outcomes_command)
