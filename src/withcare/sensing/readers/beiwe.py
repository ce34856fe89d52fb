"""Beiwe's raw export layout: ``<root>/<participant>/<stream>/<YYYY-MM-DD HH_MM_SS>.csv``.

One file per stream per UTC hour, each with a header. Column names are Beiwe's own (with spaces).
"""

from __future__ import annotations

import calendar
import functools
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import polars as pl

from withcare.sensing.readers.base import (
    RawFile,
    read_canonical,
    read_csv_text,
    read_many_canonical,
)
from withcare.sensing.rejects import FileReport
from withcare.sensing.streams import SCHEMAS, STREAMS, Platform, Stream, empty_frame

_HOUR_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})[ T_](\d{2})[_:](\d{2})[_:](\d{2})")

_F = pl.Float64()
_S = pl.String()
_I = pl.Int64()

#: canonical column -> (Beiwe column, type), and which canonical columns a row cannot lack.
_COLUMNS: Final[dict[Stream, tuple[dict[str, tuple[str, pl.DataType]], tuple[str, ...]]]] = {
    "gps": (
        {
            "t": ("timestamp", _I),
            "lat": ("latitude", _F),
            "lon": ("longitude", _F),
            "accuracy": ("accuracy", _F),
        },
        ("t", "lat", "lon"),
    ),
    "accelerometer": (
        {"t": ("timestamp", _I), "x": ("x", _F), "y": ("y", _F), "z": ("z", _F)},
        ("t", "x", "y", "z"),
    ),
    "calls": (
        {
            "t": ("timestamp", _I),
            "contact": ("hashed phone number", _S),
            "direction": ("call type", _S),
            "duration_s": ("duration in seconds", _F),
        },
        ("t", "direction"),
    ),
    "texts": (
        {
            "t": ("timestamp", _I),
            "contact": ("hashed phone number", _S),
            "direction": ("sent vs received", _S),
            "length": ("message length", _F),
        },
        ("t", "direction"),
    ),
    "power_state": ({"t": ("timestamp", _I), "event": ("event", _S)}, ("t", "event")),
}

_CALL_TYPES: Final = {"incoming call": "in", "outgoing call": "out", "missed call": "missed"}


@functools.lru_cache(maxsize=65_536)
def hour_of_name(name: str) -> int | None:
    """UTC epoch ms of the hour a Beiwe file name claims, or None if the name is not Beiwe's.

    Cached: every participant and stream of a study has files for the same hours, so the same few
    thousand names recur (a pure function of the name, so the cache cannot go stale).
    """
    match = _HOUR_NAME.search(name)
    if match is None:
        return None
    year, month, mday = (int(x) for x in match.group(1).split("-"))
    hour, minute, second = (int(x) for x in match.group(2, 3, 4))
    try:
        datetime(year, month, mday, hour, minute, second, tzinfo=UTC)  # validates the date
    except ValueError:
        return None
    return calendar.timegm((year, month, mday, hour, minute, second)) * 1000


class BeiweParticipant:
    """One participant folder of a Beiwe export."""

    def __init__(self, root: Path, participant: str) -> None:
        self.root = root
        self.participant = participant
        self._dir = root / participant

    def files(self, stream: Stream) -> list[RawFile]:
        folder = self._dir / stream
        if not folder.is_dir():
            return []
        prefix = f"{self.participant}/{stream}/"
        found = [
            RawFile(Path(entry.path), stream, hour_of_name(entry.name), prefix + entry.name)
            for entry in os.scandir(folder)
            if entry.name.lower().endswith(".csv") and not entry.name.startswith(".")
        ]
        return sorted(found, key=lambda f: (f.hour_ms is None, f.hour_ms or 0, f.path.name))

    def file_stats(self) -> dict[str, list[int]]:
        stats: dict[str, list[int]] = {}
        for stream in (*STREAMS, "identifiers"):
            folder = self._dir / stream
            if not folder.is_dir():
                continue
            for entry in os.scandir(folder):
                if entry.name.lower().endswith(".csv"):
                    info = entry.stat()
                    stats[f"{self.participant}/{stream}/{entry.name}"] = [
                        info.st_size,
                        info.st_mtime_ns,
                    ]
        return stats

    def parse(self, raw: RawFile, report: FileReport) -> pl.DataFrame:
        mapping, required = _COLUMNS[raw.stream]
        frame = read_canonical(raw.path, mapping, required, report)
        if frame is None or frame.width == 0:
            return empty_frame(raw.stream)
        if raw.stream == "calls":
            frame = _normalise_calls(frame, report)
        elif raw.stream == "texts":
            frame = _normalise_texts(frame, report)
        return frame.select([pl.col(c).cast(t) for c, t in SCHEMAS[raw.stream].items()])

    def parse_many(self, raws: list[RawFile], reports: list[FileReport]) -> pl.DataFrame:
        """Canonical rows of several files of one stream, with ``_file`` (position in ``raws``)."""
        stream = raws[0].stream
        mapping, required = _COLUMNS[stream]
        frame = read_many_canonical([r.path for r in raws], mapping, required, reports)
        if stream in ("calls", "texts"):
            # per-file rejection counts for unknown types
            normalise = _normalise_calls if stream == "calls" else _normalise_texts
            parts = []
            for (i,), part in frame.partition_by("_file", as_dict=True).items():
                assert isinstance(i, int)
                parts.append(normalise(part, reports[i]))
            frame = pl.concat(parts) if parts else frame.with_columns(pl.lit("sms").alias("kind"))
        wanted = [*SCHEMAS[stream], "_file"]
        if frame.columns == wanted and all(frame[c].dtype == t for c, t in SCHEMAS[stream].items()):
            return frame  # the usual case: already canonical, skip a copy
        return frame.select(
            [pl.col(c).cast(t) for c, t in SCHEMAS[stream].items()] + [pl.col("_file")]
        )

    def platform(self) -> Platform:
        folder = self._dir / "identifiers"
        if folder.is_dir():
            for path in sorted(folder.glob("*.csv"), reverse=True):
                text = read_csv_text(path, FileReport(str(path), "identifiers"))
                if text is not None and "device_os" in text.columns and text.height:
                    os_name = (text["device_os"][-1] or "").strip().lower()
                    if os_name.startswith("ios") or os_name.startswith("iphone"):
                        return "ios"
                    if os_name.startswith("android"):
                        return "android"
        # Beiwe's iOS app cannot log calls or texts, so their presence means Android
        if (self._dir / "calls").is_dir() or (self._dir / "texts").is_dir():
            return "android"
        return "unknown"


def _normalise_calls(frame: pl.DataFrame, report: FileReport) -> pl.DataFrame:
    direction = pl.col("direction").str.to_lowercase().replace_strict(_CALL_TYPES, default=None)
    frame = frame.with_columns(direction.alias("direction"), pl.col("duration_s").fill_null(0.0))
    unknown = frame["direction"].is_null()
    report.reject("unknown call type", int(unknown.sum()))
    return frame.filter(~unknown)


def _normalise_texts(frame: pl.DataFrame, report: FileReport) -> pl.DataFrame:
    lowered = pl.col("direction").str.to_lowercase()
    frame = frame.with_columns(
        pl.when(lowered.str.starts_with("sent"))
        .then(pl.lit("out"))
        .when(lowered.str.starts_with("received"))
        .then(pl.lit("in"))
        .otherwise(None)
        .alias("direction"),
        pl.when(lowered.str.contains("mms"))
        .then(pl.lit("mms"))
        .otherwise(pl.lit("sms"))
        .alias("kind"),
    )
    unknown = frame["direction"].is_null()
    report.reject("unknown text direction", int(unknown.sum()))
    return frame.filter(~unknown)


def participants(root: Path) -> list[str]:
    """Every non-hidden subfolder of the root except Beiwe's ``registry`` folder."""
    return sorted(
        p.name
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith(".") and p.name != "registry"
    )
