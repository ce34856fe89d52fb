"""What a reader must provide: files per stream, and a parser from one file to canonical rows."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import polars as pl

from withcare.sensing.readers.joined import join_files
from withcare.sensing.rejects import FileReport
from withcare.sensing.streams import Platform, Stream

#: Human names of canonical columns, for rejection reasons.
_LABELS = {"t": "timestamp", "lat": "latitude", "lon": "longitude"}

#: Timestamps outside these bounds (2005-01-01 .. 2100-01-01) are implausible for a phone.
PLAUSIBLE_MS = (1_104_537_600_000, 4_102_444_800_000)


@dataclass(frozen=True)
class RawFile:
    """One raw file of one stream; ``hour_ms`` is the UTC hour it claims to hold, if its name says."""

    path: Path
    stream: Stream
    hour_ms: int | None
    name: str = ""  # path relative to the export root, for reports; derived when not given

    def key(self, root: Path) -> str:
        return self.name or relative_key(self.path, root)


def relative_key(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes (string slicing: this runs per file)."""
    text, prefix = path.as_posix(), root.as_posix().rstrip("/") + "/"
    return text[len(prefix) :] if text.startswith(prefix) else path.relative_to(root).as_posix()


class ParticipantSource(Protocol):
    """One participant's raw data in some export layout."""

    participant: str
    root: Path

    def files(self, stream: Stream) -> list[RawFile]:
        """The stream's files, sorted by the hour they hold (files without an hour last)."""
        ...

    def parse(self, raw: RawFile, report: FileReport) -> pl.DataFrame:
        """Canonical rows of one file; bad rows are counted in ``report``, never raised."""
        ...

    def platform(self) -> Platform: ...

    def file_stats(self) -> dict[str, list[int]]:
        """``{path relative to root: [size, mtime_ns]}`` of every such file (change detection)."""
        ...


def read_csv_text(path: Path, report: FileReport) -> pl.DataFrame | None:
    """Read a CSV with every column as text, so type problems become countable, not fatal.

    The fast path is Polars; a file it cannot parse (stray quotes, binary junk) falls back to the
    standard library's csv module, line by line, keeping the lines that have the header's width.
    """
    try:
        if path.stat().st_size == 0:
            report.notes.append("empty file")
            return None
        frame = pl.read_csv(
            path, infer_schema=False, truncate_ragged_lines=True, encoding="utf8-lossy"
        )
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError):
        return _read_csv_slowly(path, report)
    if frame.height == 0:
        report.notes.append("header only")
    return frame


def _read_csv_slowly(path: Path, report: FileReport) -> pl.DataFrame | None:
    try:
        with path.open(newline="", encoding="utf-8", errors="replace") as handle:
            rows = list(csv.reader(line.replace("\0", "") for line in handle))
    except OSError as exc:
        report.notes.append(f"unreadable file: {exc.strerror or exc}")
        return None
    if not rows:
        report.notes.append("empty file")
        return None
    header, body = rows[0], rows[1:]
    good = [row for row in body if len(row) == len(header)]
    report.rows_read += len(body) - len(good)
    report.reject("malformed line (wrong number of fields)", len(body) - len(good))
    if len(set(header)) != len(header):
        report.notes.append("duplicate column names")
        report.reject("unusable header", len(good))
        report.rows_read += len(good)
        return None
    return pl.DataFrame(
        {name: [row[i] for row in good] for i, name in enumerate(header)},
        schema=dict.fromkeys(header, pl.String()),
    )


def cast_columns(
    frame: pl.DataFrame,
    mapping: dict[str, tuple[str, pl.DataType]],
    report: FileReport,
    required: tuple[str, ...],
) -> pl.DataFrame:
    """Rename and cast text columns; rows whose required values do not parse are counted and dropped.

    ``mapping`` maps canonical name -> (source column, type). A missing required source column makes
    every row of the file unusable, reported as such.
    """
    report.rows_read += frame.height
    missing = [
        src for name, (src, _) in mapping.items() if name in required and src not in frame.columns
    ]
    if missing:
        report.reject(f"missing column {missing[0]!r}", frame.height)
        return frame.clear().select([])
    exprs = []
    for name, (src, dtype) in mapping.items():
        if src in frame.columns:
            text = pl.col(src).str.strip_chars()
            exprs.append(
                text.cast(dtype, strict=False).alias(name)
                if dtype != pl.String()
                else text.alias(name)
            )
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    out = frame.select(exprs)
    already_bad = pl.Series("bad", [False] * out.height, dtype=pl.Boolean)
    for name in required:
        col = out[name]
        invalid = col.is_null()
        if col.dtype == pl.Float64:
            invalid = invalid | col.is_nan().fill_null(True) | col.is_infinite().fill_null(True)
        fresh = invalid & ~already_bad
        # each bad row is charged to the first required column that failed, so counts add up
        report.reject(f"unparseable {_LABELS.get(name, name)}", int(fresh.sum()))
        already_bad = already_bad | invalid
    return out.filter(~already_bad) if bool(already_bad.any()) else out


def read_canonical(
    path: Path,
    mapping: dict[str, tuple[str, pl.DataType]],
    required: tuple[str, ...],
    report: FileReport,
) -> pl.DataFrame | None:
    """Read a CSV straight into canonical columns; fall back to the text path on any trouble.

    The typed read is several times faster and is what clean files get. A file with a value that does
    not parse, a missing column, or broken quoting takes the slower text path, where every bad row is
    counted with its reason. Returns None for a file with no usable table (reported).
    """
    try:
        if path.stat().st_size == 0:
            report.notes.append("empty file")
            return None
        frame = pl.read_csv(
            path,
            columns=[src for src, _ in mapping.values()],
            schema_overrides=dict(mapping.values()),
            encoding="utf8",
        )
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError, ValueError):
        text = read_csv_text(path, report)
        return None if text is None else cast_columns(text, mapping, report, required)
    frame = frame.rename({src: name for name, (src, _) in mapping.items()})
    if frame.height == 0:
        report.notes.append("header only")
    report.rows_read += frame.height
    flags = frame.select(_invalid_required(mapping, required).alias("bad"))["bad"]
    if bool(flags.any()):
        # rare: redo the bookkeeping on the text path so that each reason is named
        report.rows_read -= frame.height
        text = read_csv_text(path, report)
        return None if text is None else cast_columns(text, mapping, report, required)
    return frame


def read_many_canonical(
    paths: list[Path],
    mapping: dict[str, tuple[str, pl.DataType]],
    required: tuple[str, ...],
    reports: list[FileReport],
) -> pl.DataFrame:
    """Read many same-layout CSVs as one text (see :mod:`withcare.sensing.readers.joined`), with a
    ``_file`` column (position in ``paths``). Files that cannot be taken cleanly are re-read one by
    one with full bookkeeping, so joining changes speed, never results."""
    sizes = {i: _size(p) for i, p in enumerate(paths)}
    nonempty = [i for i, size in sizes.items() if size > 0]
    for i in set(range(len(paths))) - set(nonempty):
        reports[i].notes.append("empty file")
    frames: list[pl.DataFrame] = []
    joined = _read_joined(paths, nonempty, mapping, required, reports, sizes)
    if joined is None:
        retry = nonempty  # nothing could be joined: every file takes the careful path
    else:
        frames.append(joined[0])
        retry = joined[1]
    for i in retry:
        one = read_canonical(paths[i], mapping, required, reports[i])
        if one is not None and one.width:
            frames.append(one.with_columns(pl.lit(i, dtype=pl.Int32).alias("_file")))
    names = [*mapping, "_file"]
    frames = [f if f.columns == names else f.select(names) for f in frames if f.height]
    if not frames:
        schema = {name: dtype for name, (_, dtype) in mapping.items()}
        return pl.DataFrame(schema={**schema, "_file": pl.Int32()})
    if len(frames) == 1:
        return frames[0]  # the joined read keeps file order already
    return pl.concat(frames).sort("_file", maintain_order=True)


def _read_joined(
    paths: list[Path],
    chosen: list[int],
    mapping: dict[str, tuple[str, pl.DataType]],
    required: tuple[str, ...],
    reports: list[FileReport],
    sizes: dict[int, int],
) -> tuple[pl.DataFrame, list[int]] | None:
    """Fastest path for many small files: join their bodies under one header and parse once.

    Valid only when every file has the same header and one row per line; any doubt (a different
    header, a row count that does not match the line count, a value that does not parse) returns the
    doubtful files for the careful path. Returns None when nothing could be joined.
    """
    joined = join_files(paths, chosen, sizes)
    taken, counts, retry = joined.taken, joined.counts, joined.retry
    if joined.header is None or not taken:
        return None
    try:
        frame = pl.read_csv(
            joined.text,
            columns=[src for src, _ in mapping.values()],
            schema_overrides=dict(mapping.values()),
        )
    except (pl.exceptions.PolarsError, ValueError):
        return None
    if frame.height != sum(counts):
        return None
    frame = frame.rename({src: name for name, (src, _) in mapping.items()}).with_columns(
        pl.Series("_file", np.repeat(np.asarray(taken, dtype=np.int32), counts))
    )
    bad = _files_with_invalid_rows(frame, required)
    for i, count in zip(taken, counts, strict=True):
        if i in bad:
            continue
        if count == 0:
            reports[i].notes.append("header only")
        reports[i].rows_read += count
    if bad:
        frame = frame.filter(~pl.col("_file").is_in(sorted(bad)))
    return frame, sorted(set(retry) | bad)


def _invalid_required(
    mapping: dict[str, tuple[str, pl.DataType]], required: tuple[str, ...]
) -> pl.Expr:
    """True for a row missing a required value: null, or a float that is NaN or infinite (the same
    rule as :func:`cast_columns` and :func:`_files_with_invalid_rows`)."""
    return pl.any_horizontal(
        [
            pl.col(name).is_null()
            | (~pl.col(name).is_finite() if mapping[name][1] == pl.Float64() else pl.lit(False))
            for name in required
        ]
    )


def _files_with_invalid_rows(frame: pl.DataFrame, required: tuple[str, ...]) -> set[int]:
    """Files (``_file`` values) with a null or NaN in a required column, checked in NumPy."""
    invalid = np.zeros(frame.height, dtype=bool)
    for name in required:
        column = frame[name]
        if column.null_count():
            invalid |= column.is_null().to_numpy()
            column = column.fill_null(0)
        if column.dtype == pl.Float64:
            invalid |= ~np.isfinite(column.to_numpy())
    if not invalid.any():
        return set()
    return {int(i) for i in np.unique(frame["_file"].to_numpy()[invalid])}


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
