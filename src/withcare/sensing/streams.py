"""The canonical streams every reader produces and every feature family consumes.

Readers translate each export layout (Beiwe, mindLAMP) into one small set of canonical columns so that
feature code never knows where the data came from. Timestamps are always integer milliseconds since the
Unix epoch (UTC); conversion to the participant's local day happens once, in the readers.
"""

from __future__ import annotations

from typing import Final, Literal

import polars as pl

Stream = Literal["gps", "accelerometer", "calls", "texts", "power_state"]
STREAMS: Final[tuple[Stream, ...]] = ("gps", "accelerometer", "calls", "texts", "power_state")

Platform = Literal["ios", "android", "unknown"]

#: Canonical column types per stream; ``t`` is epoch milliseconds (UTC).
SCHEMAS: Final[dict[Stream, dict[str, pl.DataType]]] = {
    "gps": {"t": pl.Int64(), "lat": pl.Float64(), "lon": pl.Float64(), "accuracy": pl.Float64()},
    "accelerometer": {"t": pl.Int64(), "x": pl.Float64(), "y": pl.Float64(), "z": pl.Float64()},
    "calls": {
        "t": pl.Int64(),
        "contact": pl.String(),
        "direction": pl.String(),  # "in" | "out" | "missed"
        "duration_s": pl.Float64(),
    },
    "texts": {
        "t": pl.Int64(),
        "contact": pl.String(),
        "direction": pl.String(),  # "in" | "out"
        "kind": pl.String(),  # "sms" | "mms"
        "length": pl.Float64(),
    },
    "power_state": {"t": pl.Int64(), "event": pl.String()},
}


def empty_frame(stream: Stream) -> pl.DataFrame:
    """A zero-row frame with the stream's canonical schema (what an empty file turns into)."""
    return pl.DataFrame(schema=SCHEMAS[stream])
