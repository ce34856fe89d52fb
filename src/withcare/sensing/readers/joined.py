"""Many same-layout CSV files as one text: one header, then every file's rows, read with few copies.

Beiwe writes one file per stream per hour, so a participant-day is 24 files (accelerometer: about
30 MB). Reading each into its own ``bytes``, slicing off the header and joining the bodies copies
the day three times into freshly allocated memory, and the page faults of that fresh memory cost as
much as parsing it. Here each file's body is read straight into a buffer that is kept between
calls (one per thread) with ``os.preadv``, so the day is copied once by the kernel and once into
the ``bytes`` that Polars parses. Anything unexpected (a file that cannot be read, changed size
while being read, a different or over-long header) is returned for the careful one-file-at-a-time
path, so this changes speed, never results.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: A header line longer than this sends the file to the careful path.
MAX_HEADER = 4096
#: Buffers bigger than this are not kept between calls (a very large day reads fine, once).
KEEP_AT_MOST = 256 * 1024 * 1024

_local = threading.local()


@dataclass
class JoinedText:
    """``text`` is the header line and every taken file's rows; ``counts[k]`` rows came from
    ``taken[k]`` (positions in the caller's list); ``retry`` need the careful path."""

    text: bytes = b""
    header: bytes | None = None
    taken: list[int] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)


def _buffer(size: int) -> bytearray:
    kept: bytearray | None = getattr(_local, "buffer", None)
    if kept is not None and len(kept) >= size:
        return kept
    # a quarter to spare, so days a little bigger than the last do not each allocate afresh
    fresh = bytearray(size + size // 4)
    if size <= KEEP_AT_MOST:
        _local.buffer = fresh
    return fresh


def _newlines(buf: bytearray, start: int, end: int) -> int:
    return int(np.count_nonzero(np.frombuffer(buf, np.uint8, end - start, start) == 0x0A))


def join_files(
    paths: list[Path], chosen: list[int], known_sizes: dict[int, int] | None = None
) -> JoinedText:
    """Join the chosen files (positions in ``paths``) that share the first file's header.

    ``known_sizes`` saves a second ``stat`` of files the caller has just looked at; a size that is
    wrong by the time the file is read only sends that file to the careful path.
    """
    out = JoinedText()
    sizes: dict[int, int] = {}
    for i in chosen:
        if known_sizes is not None and i in known_sizes:
            sizes[i] = known_sizes[i]
            continue
        try:
            sizes[i] = os.stat(paths[i]).st_size
        except OSError:
            out.retry.append(i)
    # room for every file, a header and a newline added after a last row that lacks one
    buf = _buffer(sum(sizes.values()) + MAX_HEADER + len(sizes) + 1)
    view = memoryview(buf)
    offset = 0
    try:
        for i, size in sizes.items():
            offset = _append(paths[i], i, size, buf, view, offset, out)
        out.text = bytes(view[:offset])
    finally:
        view.release()
    return out


def _append(
    path: Path, i: int, size: int, buf: bytearray, view: memoryview, offset: int, out: JoinedText
) -> int:
    """Add one file's rows at ``offset`` (and the header, for the first file); the new offset."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        out.retry.append(i)
        return offset
    try:
        start = os.pread(fd, MAX_HEADER, 0)
        cut = start.find(b"\n")
        if cut < 0 and len(start) >= MAX_HEADER:
            out.retry.append(i)  # no end to the header in sight
            return offset
        head = (start if cut < 0 else start[:cut]).rstrip(b"\r")
        if out.header is None:
            out.header = head
            view[offset : offset + len(head) + 1] = head + b"\n"
            offset += len(head) + 1
        if head != out.header:
            out.retry.append(i)
            return offset
        body_at = len(start) if cut < 0 else cut + 1
        expected = max(size - body_at, 0)
        got = os.preadv(fd, [view[offset : offset + expected]], body_at) if expected else 0
        if got != expected or os.pread(fd, 1, body_at + got):
            out.retry.append(i)  # the file changed while it was read
            return offset
    except OSError:
        out.retry.append(i)
        return offset
    finally:
        os.close(fd)
    end = offset + got
    if got and buf[end - 1] != 0x0A:
        buf[end] = 0x0A
        end += 1
    out.taken.append(i)
    out.counts.append(_newlines(buf, offset, end))
    return end
