"""Choosing a reader: by an explicit format option, or by looking at the folder layout."""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

from withcare.sensing.readers import beiwe, mindlamp
from withcare.sensing.readers.base import ParticipantSource
from withcare.sensing.streams import STREAMS

Format = Literal["beiwe", "mindlamp", "auto"]
FORMATS: Final[tuple[str, ...]] = ("beiwe", "mindlamp", "auto")


def detect_format(root: Path) -> Literal["beiwe", "mindlamp"]:
    """Beiwe keeps one folder per stream inside each participant; mindLAMP keeps event files directly."""
    for participant in beiwe.participants(root):
        folder = root / participant
        if any((folder / stream).is_dir() for stream in (*STREAMS, "identifiers")):
            return "beiwe"
        if any(p.suffix.lower() in mindlamp.SUFFIXES for p in folder.iterdir()):
            return "mindlamp"
    raise ValueError(
        f"cannot tell the export format of {root}: no Beiwe stream folders or mindLAMP files"
    )


def open_dataset(root: Path, fmt: str = "auto") -> tuple[str, list[ParticipantSource]]:
    """All participants under ``root`` as sources of the given (or detected) format."""
    if not root.is_dir():
        raise ValueError(f"input folder {root} does not exist")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    chosen = detect_format(root) if fmt == "auto" else fmt
    if chosen == "beiwe":
        return chosen, [beiwe.BeiweParticipant(root, p) for p in beiwe.participants(root)]
    return chosen, [mindlamp.MindLampParticipant(root, p) for p in mindlamp.participants(root)]


def open_participant(root: Path, fmt: str, participant: str) -> ParticipantSource:
    """One participant's source (what a worker process rebuilds from picklable arguments)."""
    if fmt == "beiwe":
        return beiwe.BeiweParticipant(root, participant)
    if fmt == "mindlamp":
        return mindlamp.MindLampParticipant(root, participant)
    raise ValueError(f"unknown format {fmt!r}")
