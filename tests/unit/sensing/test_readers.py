from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from withcare.sensing.readers import detect_format, iter_stream_days, open_dataset
from withcare.sensing.readers.beiwe import BeiweParticipant, hour_of_name
from withcare.sensing.readers.mindlamp import MindLampParticipant
from withcare.sensing.rejects import FileReport

from .helpers import GPS_HEADER, bursts, ms, write_gps


def _days(source, stream="gps", tz="UTC"):
    reports: list[FileReport] = []
    days = dict(iter_stream_days(source, stream, tz, reports))
    return days, reports


def test_bad_rows_are_counted_with_reasons_and_good_rows_kept(tmp_path: Path) -> None:
    t0 = ms("2024-05-01T10:00:00")
    good = [f"{t0 + i * 1000},x,51.5,-0.1,0,8" for i in range(5)]
    lines = [
        GPS_HEADER,
        *good,
        good[0],  # exact duplicate
        f"{t0 + 1000},x,51.6,-0.1,0,8",  # same instant, different place
        f"{t0 + 9000},x,abc,-0.1,0,8",  # unparseable latitude
        "garbage",  # too few fields
        f"{t0 + 10 * 3_600_000},x,51.5,-0.1,0,8",  # far from the file's hour
    ]
    folder = tmp_path / "p1" / "gps"
    folder.mkdir(parents=True)
    (folder / "2024-05-01 10_00_00.csv").write_text("\n".join(lines) + "\n")
    days, reports = _days(BeiweParticipant(tmp_path, "p1"))
    assert list(days) == [date(2024, 5, 1)]
    assert days[date(2024, 5, 1)].height == 5
    (report,) = reports
    assert report.rejected == {
        "duplicate row": 1,
        "conflicting duplicate timestamp": 1,
        "unparseable latitude": 1,
        "unparseable timestamp": 1,
        "timestamp outside the file's hour": 1,
    }
    assert report.rows_read == report.rows_used + report.rows_rejected


def test_out_of_order_rows_are_sorted_and_reported(tmp_path: Path) -> None:
    rows = bursts(ms("2024-05-01T10:00:00"), ms("2024-05-01T10:01:00"), 51.5, -0.1)
    write_gps(tmp_path, "p1", list(reversed(rows)))
    days, reports = _days(BeiweParticipant(tmp_path, "p1"))
    t = days[date(2024, 5, 1)]["t"]
    assert t.is_sorted()
    assert reports[0].out_of_order == len(rows) - 1
    assert reports[0].rows_rejected == 0


def test_empty_and_header_only_files_are_noted_not_fatal(tmp_path: Path) -> None:
    folder = tmp_path / "p1" / "gps"
    folder.mkdir(parents=True)
    (folder / "2024-05-01 10_00_00.csv").write_text("")
    (folder / "2024-05-01 11_00_00.csv").write_text(GPS_HEADER + "\n")
    days, reports = _days(BeiweParticipant(tmp_path, "p1"))
    assert days == {}
    assert sorted(n for r in reports for n in r.notes) == ["empty file", "header only"]


def test_missing_column_rejects_every_row_of_that_file(tmp_path: Path) -> None:
    folder = tmp_path / "p1" / "gps"
    folder.mkdir(parents=True)
    t0 = ms("2024-05-01T10:00:00")
    (folder / "2024-05-01 10_00_00.csv").write_text(
        f"timestamp,latitude\n{t0},51.5\n{t0 + 1000},51.5\n"
    )
    days, reports = _days(BeiweParticipant(tmp_path, "p1"))
    assert days == {}
    assert reports[0].rejected == {"missing column 'longitude'": 2}


def test_broken_quoting_falls_back_without_losing_good_lines(tmp_path: Path) -> None:
    folder = tmp_path / "p1" / "gps"
    folder.mkdir(parents=True)
    t0 = ms("2024-05-01T10:00:00")
    body = [f"{t0 + i * 1000},x,51.5,-0.1,0,8" for i in range(3)]
    (folder / "2024-05-01 10_00_00.csv").write_text(
        "\n".join([GPS_HEADER, *body, '1,"unterminated,2,3']) + "\n"
    )
    days, reports = _days(BeiweParticipant(tmp_path, "p1"))
    assert days[date(2024, 5, 1)].height == 3
    assert reports[0].rows_rejected >= 1


def test_rows_split_at_local_midnight_not_utc_midnight(tmp_path: Path) -> None:
    # India is UTC+05:30: local midnight falls at 18:30 UTC, in the middle of an hourly file
    rows = [
        (ms("2024-05-01T18:29:00"), 12.9, 77.6, 5.0),
        (ms("2024-05-01T18:31:00"), 12.9, 77.6, 5.0),
    ]
    write_gps(tmp_path, "p1", rows)
    days, _ = _days(BeiweParticipant(tmp_path, "p1"), tz="Asia/Kolkata")
    assert sorted(days) == [date(2024, 5, 1), date(2024, 5, 2)]
    assert days[date(2024, 5, 1)].height == days[date(2024, 5, 2)].height == 1


def test_file_hour_parsing() -> None:
    assert hour_of_name("2024-03-31 01_00_00.csv") == ms("2024-03-31T01:00:00")
    assert hour_of_name("2024-03-31 01_00_00+00_00.csv") == ms("2024-03-31T01:00:00")
    assert hour_of_name("notes.csv") is None


def test_platform_from_identifiers_or_streams(tmp_path: Path) -> None:
    ident = tmp_path / "p1" / "identifiers"
    ident.mkdir(parents=True)
    (ident / "2024-05-01 10_00_00.csv").write_text("timestamp,UTC time,device_os\n1,x,iOS\n")
    (tmp_path / "p2" / "calls").mkdir(parents=True)
    (tmp_path / "p3" / "gps").mkdir(parents=True)
    assert BeiweParticipant(tmp_path, "p1").platform() == "ios"
    assert BeiweParticipant(tmp_path, "p2").platform() == "android"
    assert BeiweParticipant(tmp_path, "p3").platform() == "unknown"


def test_registry_and_hidden_folders_are_not_participants(tmp_path: Path) -> None:
    for name in ("p1", "registry", ".hidden"):
        (tmp_path / name / "gps").mkdir(parents=True)
    fmt, sources = open_dataset(tmp_path, "auto")
    assert fmt == "beiwe"
    assert [s.participant for s in sources] == ["p1"]


def _lamp_events(t0: int) -> list[dict[str, object]]:
    return [
        {
            "timestamp": t0,
            "sensor": "lamp.gps",
            "data": {"latitude": 40.7, "longitude": -74.0, "accuracy": 5},
        },
        {
            "timestamp": t0 + 1000,
            "sensor": "lamp.gps",
            "data": {"latitude": "bad", "longitude": -74.0},
        },
        {
            "timestamp": t0 + 2000,
            "sensor": "lamp.calls",
            "data": {"trace": "h1", "type": 2, "duration": 60},
        },
        {
            "timestamp": t0 + 3000,
            "sensor": "lamp.sms",
            "data": {"trace": "h2", "type": 1, "length": 20},
        },
        {"timestamp": t0 + 4000, "sensor": "lamp.accelerometer", "data": {"x": 0, "y": 0, "z": 1}},
        "not an event",
    ]


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".csv"])
def test_mindlamp_exports_in_all_three_shapes(tmp_path: Path, suffix: str) -> None:
    t0 = ms("2024-05-01T10:00:00")
    events = _lamp_events(t0)
    folder = tmp_path / "u1"
    folder.mkdir()
    path = folder / f"export{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(events))
    elif suffix == ".jsonl":
        path.write_text("\n".join(json.dumps(e) for e in events))
    else:
        flat = [
            {
                "timestamp": e["timestamp"],
                "sensor": e["sensor"],
                **{f"data.{k}": v for k, v in e["data"].items()},
            }
            for e in events
            if isinstance(e, dict)
        ]
        pl.DataFrame(flat, infer_schema_length=None).with_columns(
            pl.all().cast(pl.String)
        ).write_csv(path)
    assert detect_format(tmp_path) == "mindlamp"
    source = MindLampParticipant(tmp_path, "u1")
    gps, gps_reports = _days(source, "gps")
    calls, _ = _days(source, "calls")
    texts, _ = _days(source, "texts")
    assert gps[date(2024, 5, 1)]["lat"].to_list() == [40.7]
    assert sum(r.rejected["unparseable latitude"] for r in gps_reports) == 1
    assert calls[date(2024, 5, 1)]["direction"].to_list() == ["out"]
    assert texts[date(2024, 5, 1)]["direction"].to_list() == ["in"]


def test_unknown_layout_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "p1").mkdir()
    (tmp_path / "p1" / "readme.txt").write_text("hello")
    with pytest.raises(ValueError, match="cannot tell the export format"):
        detect_format(tmp_path)
