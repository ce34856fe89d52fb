"""Sociability from call and text logs, with Forest willow's names.

Contacts arrive already hashed by the phone app; the library never sees numbers, only counts
distinct hashes. Durations are minutes, character counts are summed message lengths.
"""

from __future__ import annotations

import polars as pl

CALL_FEATURES: tuple[str, ...] = (
    "num_in_call",
    "num_out_call",
    "num_mis_call",
    "num_in_caller",
    "num_out_caller",
    "num_mis_caller",
    "total_mins_in_call",
    "total_mins_out_call",
)
TEXT_FEATURES: tuple[str, ...] = (
    "num_r",
    "num_s",
    "num_mms_r",
    "num_mms_s",
    "total_char_r",
    "total_char_s",
    "num_uniq_r",
    "num_uniq_s",
)


def call_features(calls: pl.DataFrame) -> dict[str, float]:
    out: dict[str, float] = {}
    for direction, tag in (("in", "in"), ("out", "out"), ("missed", "mis")):
        part = calls.filter(pl.col("direction") == direction)
        out[f"num_{tag}_call"] = float(part.height)
        out[f"num_{tag}_caller"] = float(part["contact"].drop_nulls().n_unique())
        if tag != "mis":
            out[f"total_mins_{tag}_call"] = float(part["duration_s"].sum()) / 60.0
    return out


def text_features(texts: pl.DataFrame) -> dict[str, float]:
    out: dict[str, float] = {}
    for direction, tag in (("in", "r"), ("out", "s")):
        part = texts.filter(pl.col("direction") == direction)
        sms = part.filter(pl.col("kind") == "sms")
        out[f"num_{tag}"] = float(sms.height)
        out[f"num_mms_{tag}"] = float(part.height - sms.height)
        out[f"total_char_{tag}"] = float(part["length"].fill_null(0).sum())
        out[f"num_uniq_{tag}"] = float(part["contact"].drop_nulls().n_unique())
    return out


def distinct_contacts(calls: pl.DataFrame | None, texts: pl.DataFrame | None) -> float:
    """Forest's ``num_uniq_individuals_call_or_text``: distinct hashed contacts across both logs."""
    seen = [f["contact"].drop_nulls() for f in (calls, texts) if f is not None and f.height]
    return float(pl.concat(seen).n_unique()) if seen else 0.0
