"""Readers turn an export layout (Beiwe, mindLAMP) into canonical per-stream, per-local-day frames."""

from __future__ import annotations

from withcare.sensing.readers.base import ParticipantSource, RawFile
from withcare.sensing.readers.days import iter_stream_days
from withcare.sensing.readers.detect import FORMATS, detect_format, open_dataset

__all__ = [
    "FORMATS",
    "ParticipantSource",
    "RawFile",
    "detect_format",
    "iter_stream_days",
    "open_dataset",
]
