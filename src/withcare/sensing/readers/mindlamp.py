"""mindLAMP sensor-event exports: ``<root>/<participant>/*.json | *.jsonl | *.csv``.

Each event is ``{"timestamp": ms, "sensor": "lamp.gps", "data": {...}}`` (JSON array, JSON lines, or a
CSV with ``timestamp,sensor`` and the data fields as further columns, optionally prefixed ``data.``).
A file mixes all sensors, so the parsed file is kept while each stream takes its rows from it.
Memory is bounded by the largest file rather than by one day: mindLAMP exports are not split by hour.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import polars as pl

from withcare.sensing.readers.base import RawFile, cast_columns, read_csv_text
from withcare.sensing.rejects import FileReport
from withcare.sensing.streams import SCHEMAS, STREAMS, Platform, Stream, empty_frame

SUFFIXES: Final = (".json", ".jsonl", ".csv")

_SENSORS: Final[dict[Stream, tuple[str, ...]]] = {
    "gps": ("lamp.gps",),
    "accelerometer": ("lamp.accelerometer",),
    "calls": ("lamp.calls",),
    "texts": ("lamp.sms",),
    "power_state": ("lamp.screen_state",),
}

_F = pl.Float64()
_S = pl.String()
_I = pl.Int64()

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
            "contact": ("trace", _S),
            "direction": ("type", _S),
            "duration_s": ("duration", _F),
        },
        ("t", "direction"),
    ),
    "texts": (
        {
            "t": ("timestamp", _I),
            "contact": ("trace", _S),
            "direction": ("type", _S),
            "length": ("length", _F),
        },
        ("t", "direction"),
    ),
    "power_state": ({"t": ("timestamp", _I), "event": ("value", _S)}, ("t", "event")),
}

_CALL_TYPES: Final = {
    "1": "in",
    "2": "out",
    "3": "missed",
    "incoming": "in",
    "outgoing": "out",
    "missed": "missed",
}
_TEXT_TYPES: Final = {
    "1": "in",
    "2": "out",
    "incoming": "in",
    "outgoing": "out",
    "received": "in",
    "sent": "out",
}


class MindLampParticipant:
    """One participant folder of a mindLAMP export."""

    def __init__(self, root: Path, participant: str) -> None:
        self.root = root
        self.participant = participant
        self._dir = root / participant
        self._cached: tuple[Path, pl.DataFrame | None, FileReport] | None = None
        self._platform: Platform = "unknown"
        self._files: list[Path] | None = None

    def all_files(self) -> list[Path]:
        """The participant's export files, listed once per reader (every stream asks)."""
        if self._files is None:
            self._files = sorted(
                p for p in self._dir.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()
            )
        return self._files

    def file_stats(self) -> dict[str, list[int]]:
        stats: dict[str, list[int]] = {}
        for path in self.all_files():
            info = path.stat()
            stats[path.relative_to(self.root).as_posix()] = [info.st_size, info.st_mtime_ns]
        return stats

    def files(self, stream: Stream) -> list[RawFile]:
        return [RawFile(path, stream, None) for path in self.all_files()]

    def parse(self, raw: RawFile, report: FileReport) -> pl.DataFrame:
        events = self._events(raw.path, report)
        if events is None or "sensor" not in events.columns:
            return empty_frame(raw.stream)
        rows = events.filter(pl.col("sensor").is_in(_SENSORS[raw.stream]))
        mapping, required = _COLUMNS[raw.stream]
        frame = cast_columns(rows, mapping, report, required)
        if frame.width == 0:
            return empty_frame(raw.stream)
        if raw.stream in ("calls", "texts"):
            table = _CALL_TYPES if raw.stream == "calls" else _TEXT_TYPES
            direction = pl.col("direction").str.to_lowercase().replace_strict(table, default=None)
            frame = frame.with_columns(direction.alias("direction"))
            unknown = frame["direction"].is_null()
            report.reject(f"unknown {raw.stream[:-1]} type", int(unknown.sum()))
            frame = frame.filter(~unknown)
            if raw.stream == "texts":
                frame = frame.with_columns(pl.lit("sms").alias("kind"))
            else:
                frame = frame.with_columns(pl.col("duration_s").fill_null(0.0))
        return frame.select([pl.col(c).cast(t) for c, t in SCHEMAS[raw.stream].items()])

    def platform(self) -> Platform:
        if self._platform == "unknown":
            for path in self.all_files()[:3]:
                self._events(path, FileReport(str(path), "any"))
        return self._platform

    def _events(self, path: Path, report: FileReport) -> pl.DataFrame | None:
        """Parse a file once into a text table of events; unrelated streams reuse it."""
        if self._cached is not None and self._cached[0] == path:
            cached_report = self._cached[2]
            report.notes.extend(n for n in cached_report.notes if n not in report.notes)
            return self._cached[1]
        if path.suffix.lower() == ".csv":
            events = read_csv_text(path, report)
            if events is not None:
                events = events.rename({c: c.removeprefix("data.") for c in events.columns})
        else:
            events = _read_json_events(path, report)
        if events is not None and "device_type" in events.columns:
            kinds = events["device_type"].drop_nulls().str.to_lowercase()
            if kinds.len():
                first = kinds[0]
                self._platform = (
                    "ios" if "ios" in first else "android" if "android" in first else "unknown"
                )
        self._cached = (path, events, report)
        return events


def _read_json_events(path: Path, report: FileReport) -> pl.DataFrame | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        report.notes.append(f"unreadable file: {exc.strerror or exc}")
        return None
    if not text.strip():
        report.notes.append("empty file")
        return None
    items: list[Any]
    if path.suffix.lower() == ".jsonl":
        items = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError:
                items.append(None)
    else:
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError:
            report.notes.append("not valid JSON")
            report.reject("malformed JSON file", 1)
            report.rows_read += 1
            return None
        found: object = loaded.get("data", []) if isinstance(loaded, dict) else loaded
        items = found if isinstance(found, list) else []
    flat: list[dict[str, str | None]] = []
    malformed = 0
    for item in items:
        if not isinstance(item, dict) or "sensor" not in item:
            malformed += 1
            continue
        row: dict[str, str | None] = {
            "timestamp": _text(item.get("timestamp")),
            "sensor": _text(item.get("sensor")),
        }
        data = item.get("data")
        if isinstance(data, dict):
            row.update({str(k): _text(v) for k, v in data.items()})
        flat.append(row)
    report.rows_read += malformed
    report.reject("malformed event", malformed)
    if not flat:
        return None
    columns = sorted({key for row in flat for key in row})
    return pl.DataFrame(
        {c: [row.get(c) for row in flat] for c in columns},
        schema=dict.fromkeys(columns, pl.String()),
    )


def _text(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) > 1e11:
        return str(int(value))  # millisecond timestamps written as floats
    return str(value)


def participants(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


__all__ = ["STREAMS", "MindLampParticipant", "participants"]
