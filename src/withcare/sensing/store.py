"""The output folder: one features CSV per participant, a manifest, and a cache for incremental runs.

``<out>/<participant>.csv``: one row per local day (the export other tools read).
``<out>/manifest.json``: per participant, the size and modification time of every raw file seen, the
settings fingerprint and the streams processed; a change in any of these triggers recomputation.
``<out>/.sensing-cache/<participant>/``: stage-one results per day, including the compact GPS chunks.
The cache holds location-derived data as sensitive as the raw export; it never leaves the output
folder, and deleting it only makes the next run recompute everything.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import polars as pl

MANIFEST = "manifest.json"
CACHE = ".sensing-cache"


class OutputStore:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir

    def prepare(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)

    def load_manifest(self) -> dict[str, Any]:
        path = self.out_dir / MANIFEST
        if not path.is_file():
            return {}
        try:
            loaded = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            return {}  # a damaged manifest only costs a full recomputation
        return loaded.get("participants", {}) if isinstance(loaded, dict) else {}

    def save_manifest(self, participants: dict[str, Any]) -> None:
        tmp = self.out_dir / f".{MANIFEST}.tmp"
        # compact: with ``indent`` the json module falls back to its slow pure-Python encoder, and
        # the manifest lists every raw file
        tmp.write_text(
            json.dumps(
                {"version": 1, "participants": participants},
                sort_keys=True,
                separators=(",", ":"),
            )
        )
        os.replace(tmp, self.out_dir / MANIFEST)

    def csv_path(self, participant: str) -> Path:
        return self.out_dir / f"{participant}.csv"

    def cache_dir(self, participant: str) -> Path:
        return self.out_dir / CACHE / participant

    def write_features(self, participant: str, table: pl.DataFrame) -> None:
        tmp = self.out_dir / f".{participant}.csv.tmp"
        table.write_csv(tmp, float_precision=6)
        os.replace(tmp, self.csv_path(participant))

    def write_cache(self, participant: str, rows: pl.DataFrame, chunks: pl.DataFrame) -> None:
        folder = self.cache_dir(participant)
        folder.mkdir(parents=True, exist_ok=True)
        rows.write_parquet(folder / "rows.parquet")
        chunks.write_parquet(folder / "chunks.parquet")

    def read_cache(self, participant: str) -> tuple[pl.DataFrame, pl.DataFrame] | None:
        folder = self.cache_dir(participant)
        try:
            return pl.read_parquet(folder / "rows.parquet"), pl.read_parquet(
                folder / "chunks.parquet"
            )
        except (OSError, pl.exceptions.PolarsError):
            return None

    def has_outputs(self, participant: str) -> bool:
        return (
            self.csv_path(participant).is_file()
            and (self.cache_dir(participant) / "rows.parquet").is_file()
        )

    def remove(self, participant: str) -> bool:
        """Delete a participant's features and cache (when processing is no longer permitted)."""
        existed = self.csv_path(participant).exists() or self.cache_dir(participant).exists()
        self.csv_path(participant).unlink(missing_ok=True)
        shutil.rmtree(self.cache_dir(participant), ignore_errors=True)
        return existed
