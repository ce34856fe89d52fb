"""Small builders for hand-made raw exports in unit tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

GPS_HEADER = "timestamp,UTC time,latitude,longitude,altitude,accuracy"


def ms(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp).replace(tzinfo=UTC).timestamp() * 1000)


def hour_name(t_ms: int) -> str:
    return (
        datetime.fromtimestamp(t_ms // 3_600_000 * 3600, UTC).strftime("%Y-%m-%d %H_%M_%S") + ".csv"
    )


def write_gps(root: Path, participant: str, rows: list[tuple[int, float, float, float]]) -> None:
    """Write GPS rows (t_ms, lat, lon, accuracy) into Beiwe hourly files."""
    folder = root / participant / "gps"
    folder.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, list[str]] = {}
    for t, lat, lon, acc in rows:
        by_file.setdefault(hour_name(t), []).append(f"{t},x,{lat},{lon},0,{acc}")
    for name, lines in by_file.items():
        (folder / name).write_text("\n".join([GPS_HEADER, *lines]) + "\n")


def bursts(start_ms: int, end_ms: int, lat: float, lon: float, every_s: int = 660, on_s: int = 60):
    """1 Hz fixes at one place in on/off bursts."""
    rows = []
    t = start_ms
    while t < end_ms:
        rows += [(t + i * 1000, lat, lon, 8.0) for i in range(on_s) if t + i * 1000 < end_ms]
        t += every_s * 1000
    return rows
