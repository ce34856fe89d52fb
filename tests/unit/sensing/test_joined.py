"""Joining same-layout CSV files into one text: exact bytes, and every doubt sent to the careful
path instead of being guessed."""

from __future__ import annotations

from pathlib import Path

from withcare.sensing.readers import joined
from withcare.sensing.readers.joined import MAX_HEADER, JoinedText, join_files


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def test_bodies_follow_one_header_with_counts_per_file(tmp_path: Path) -> None:
    paths = [
        write(tmp_path, "a.csv", b"t,x\n1,2\n3,4\n"),
        write(tmp_path, "b.csv", b"t,x\n5,6"),  # no newline after the last row
        write(tmp_path, "c.csv", b"t,x\n"),  # header only
        write(tmp_path, "d.csv", b"t,x\r\n7,8\r\n"),  # CRLF: same header once the CR is gone
    ]
    out = join_files(paths, [0, 1, 2, 3])
    assert out.text == b"t,x\n1,2\n3,4\n5,6\n7,8\r\n"
    assert (out.header, out.taken, out.counts, out.retry) == (
        b"t,x",
        [0, 1, 2, 3],
        [2, 1, 0, 1],
        [],
    )


def test_doubtful_files_go_to_the_careful_path(tmp_path: Path) -> None:
    paths = [
        write(tmp_path, "a.csv", b"t,x\n1,2\n"),
        write(tmp_path, "b.csv", b"t,y\n3,4\n"),  # a different header
        tmp_path / "missing.csv",  # cannot be read
        write(tmp_path, "c.csv", b"x" * (MAX_HEADER + 10)),  # no end to the header in sight
        write(tmp_path, "d.csv", b"t,x\n5,6\n"),
    ]
    out = join_files(paths, [0, 1, 2, 3, 4])
    assert out.text == b"t,x\n1,2\n5,6\n"
    assert (out.taken, out.counts) == ([0, 4], [1, 1])
    assert sorted(out.retry) == [1, 2, 3]


def test_a_file_that_changes_size_while_it_is_read_is_not_trusted(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", b"t,x\n1,2\n3,4\n")
    buf = bytearray(200)
    view = memoryview(buf)
    for claimed in (len(b"t,x\n1,2\n"), len(b"t,x\n1,2\n3,4\n5,6\n")):  # grew / shrank
        out = JoinedText()
        joined._append(path, 0, claimed, buf, view, 0, out)
        assert out.retry == [0] and out.taken == []
    view.release()


def test_the_buffer_is_kept_between_calls_and_results_do_not_leak(tmp_path: Path) -> None:
    big = write(tmp_path, "big.csv", b"t,x\n" + b"1,2\n" * 1000)
    small = write(tmp_path, "small.csv", b"t,x\n9,9\n")
    assert join_files([big], [0]).counts == [1000]
    kept = joined._local.buffer
    assert join_files([small], [0]).text == b"t,x\n9,9\n"  # nothing left over from the big file
    assert joined._local.buffer is kept


def test_an_infinite_required_value_is_rejected_on_every_path(tmp_path: Path) -> None:
    """The joined read, the one-file typed read and the text path share one rule: a required
    float that is NaN or infinite makes the row unusable, counted with its reason."""
    import polars as pl

    from withcare.sensing.readers.base import read_canonical, read_many_canonical
    from withcare.sensing.rejects import FileReport

    mapping = {"t": ("timestamp", pl.Int64()), "lat": ("latitude", pl.Float64())}
    good = write(tmp_path, "good.csv", b"timestamp,latitude\n1,51.5\n2,51.6\n")
    bad = write(tmp_path, "bad.csv", b"timestamp,latitude\n3,inf\n4,51.7\n")
    one = FileReport("bad.csv", "gps")
    frame = read_canonical(bad, mapping, ("t", "lat"), one)
    assert frame is not None and frame["t"].to_list() == [4]
    assert one.rejected == {"unparseable latitude": 1}
    reports = [FileReport("good.csv", "gps"), FileReport("bad.csv", "gps")]
    both = read_many_canonical([good, bad], mapping, ("t", "lat"), reports)
    assert both["t"].to_list() == [1, 2, 4]
    assert reports[1].rejected == {"unparseable latitude": 1}
