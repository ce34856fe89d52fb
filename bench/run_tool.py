"""Run one tool on one data set in this process and print its cost as JSON (one line).

Executed by ``compare_forest.py`` with the right interpreter: the platform's virtualenv for
Withcare, ``bench/.venv-forest`` for Forest. Each run is a fresh process, so peak memory
(``ru_maxrss``) belongs to that tool alone. Times exclude interpreter start-up and imports.

The tool processes the same data twice in the one process (into ``OUT/pass1`` and ``OUT/pass2``).
The first pass also pays what a process pays once, whatever the data: modules imported on first
use, the allocator growing its heap, the first full garbage collection over every imported object.
The second pass is the rate a long run settles at, which is what throughput means; both are
reported (``cold_*`` and ``compute_*``), for every tool alike.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    tool, raw, out, tz = sys.argv[1:5]
    started = time.perf_counter()
    if tool.startswith("forest"):
        from forest.constants import Frequency  # type: ignore[import-not-found]

        if tool == "forest-gps":
            from forest.jasmine.traj2stats import gps_stats_main  # type: ignore[import-not-found]

            def work(out: str) -> None:
                gps_stats_main(raw, out, tz, Frequency.DAILY, False)

        else:
            from forest.oak.base import run  # type: ignore[import-not-found]

            def work(out: str) -> None:
                run(raw, out, tz, Frequency.DAILY)

    elif tool.startswith("floor"):
        import polars as pl

        stream = "gps" if tool == "floor-gps" else "accelerometer"
        if stream == "gps":
            columns = ["timestamp", "latitude", "longitude", "accuracy"]
        else:
            columns = ["timestamp", "x", "y", "z"]
        types = {c: pl.Int64 if c == "timestamp" else pl.Float64 for c in columns}

        from withcare.sensing.readers.joined import join_files

        def work(out: str) -> None:
            # the cost of only reading the CSVs (the same columns Withcare reads, the same way:
            # each day's files into one buffer, one parse per day), with no checks and no
            # features: a floor for any CSV-based pipeline
            for folder in sorted(Path(raw).glob(f"*/{stream}")):
                by_day: dict[str, list[Path]] = {}
                for path in sorted(folder.glob("*.csv")):
                    by_day.setdefault(path.name[:10], []).append(path)
                for paths in by_day.values():
                    joined = join_files(paths, list(range(len(paths))))
                    if sum(joined.counts):  # a day of empty files has nothing to parse
                        pl.read_csv(joined.text, columns=columns, schema_overrides=types)

    else:
        from withcare.sensing.executors import run_features
        from withcare.sensing.options import FeatureOptions

        stream = "gps" if tool == "withcare-gps" else "accelerometer"

        def work(out: str) -> None:
            options = FeatureOptions(tz=tz, streams=(stream,))  # type: ignore[arg-type]
            run_features(Path(raw), Path(out), "beiwe", options, incremental=False)

    imported = time.perf_counter()
    passes = []
    for name in ("pass1", "pass2"):
        wall0, cpu0 = time.perf_counter(), _cpu()
        work(str(Path(out) / name))
        passes.append((time.perf_counter() - wall0, _cpu() - cpu0))
    (cold_s, cold_cpu_s), (warm_s, warm_cpu_s) = passes
    print(
        json.dumps(
            {
                "tool": tool,
                "import_s": imported - started,
                "cold_s": cold_s,
                "cold_cpu_s": cold_cpu_s,
                "compute_s": warm_s,
                "compute_cpu_s": warm_cpu_s,
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
