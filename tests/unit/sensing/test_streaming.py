from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from withcare.sensing.readers.beiwe import BeiweParticipant
from withcare.sensing.readers.days import iter_stream_days, split_by_local_day
from withcare.sensing.readers.mindlamp import MindLampParticipant
from withcare.sensing.rejects import FileReport

from .helpers import bursts, ms, write_gps


class CountingSource(BeiweParticipant):
    """A Beiwe source that records how many files have been read so far."""

    opened = 0

    def parse_many(self, raws, reports):  # type: ignore[no-untyped-def]
        CountingSource.opened += len(raws)
        return super().parse_many(raws, reports)


def test_days_are_released_before_later_files_are_read(tmp_path: Path) -> None:
    write_gps(
        tmp_path, "p1", bursts(ms("2024-05-01T00:00:00"), ms("2024-05-11T00:00:00"), 51.5, -0.1)
    )
    total = len(list((tmp_path / "p1" / "gps").iterdir()))
    CountingSource.opened = 0
    days = iter_stream_days(CountingSource(tmp_path, "p1"), "gps", "UTC", [])
    next(days)
    # the first day comes out after at most two days' worth of files: memory is bounded by a day
    assert CountingSource.opened <= 48 < total
    assert len(list(days)) == 9


def test_only_days_skips_files_that_cannot_touch_them(tmp_path: Path) -> None:
    write_gps(
        tmp_path, "p1", bursts(ms("2024-05-01T00:00:00"), ms("2024-05-05T00:00:00"), 51.5, -0.1)
    )
    reports: list[FileReport] = []
    from datetime import date

    got = dict(
        iter_stream_days(
            BeiweParticipant(tmp_path, "p1"), "gps", "UTC", reports, {date(2024, 5, 3)}
        )
    )
    assert list(got) == [date(2024, 5, 3)]
    assert len(reports) <= 26  # the day's 24 files and at most one neighbour on each side


def test_mindlamp_end_to_end_features(tmp_path: Path) -> None:
    from withcare.sensing.executors import run_features
    from withcare.sensing.options import FeatureOptions

    rows = bursts(ms("2024-05-01T00:00:00"), ms("2024-05-02T00:00:00"), 40.7, -74.0)
    events = pl.DataFrame(
        {
            "timestamp": [str(t) for t, *_ in rows],
            "sensor": ["lamp.gps"] * len(rows),
            "latitude": [str(r[1]) for r in rows],
            "longitude": [str(r[2]) for r in rows],
            "accuracy": ["5"] * len(rows),
        }
    )
    (tmp_path / "raw" / "u1").mkdir(parents=True)
    events.write_csv(tmp_path / "raw" / "u1" / "export.csv")
    summary = run_features(
        tmp_path / "raw", tmp_path / "out", "auto", FeatureOptions(streams=("gps",))
    )
    assert summary.format == "mindlamp"
    table = pl.read_csv(tmp_path / "out" / "u1.csv")
    assert table.height == 1
    assert abs(table["home_time"][0] - 24) < 0.2
    assert isinstance(MindLampParticipant(tmp_path / "raw", "u1").platform(), str)


def test_splitting_by_local_day_is_the_same_for_rows_in_and_out_of_time_order() -> None:
    # two London days across the spring clock change, plus rows either side of local midnight
    t = [
        ms("2024-03-30T23:30:00"),  # 23:30 GMT: 30 March
        ms("2024-03-31T00:30:00"),  # 00:30 GMT: 31 March
        ms("2024-03-31T22:59:00"),  # 23:59 BST: 31 March
        ms("2024-03-31T23:01:00"),  # 00:01 BST: 1 April
    ]
    in_order = pl.DataFrame({"t": t, "i": [0, 1, 2, 3]})
    shuffled = in_order[[3, 0, 2, 1]]
    expected = {
        date(2024, 3, 30): [0],
        date(2024, 3, 31): [1, 2],
        date(2024, 4, 1): [3],
    }
    for frame in (in_order, shuffled):
        days = split_by_local_day(frame, "Europe/London")
        assert {day: sorted(part["i"].to_list()) for day, part in days} == expected
