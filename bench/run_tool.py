"""Run one tool on one data set in this process and print its cost as JSON (one line).

Executed by ``compare_forest.py`` with the right interpreter: the platform's virtualenv for
Withcare, ``bench/.venv-forest`` for Forest. Each run is a fresh process, so peak memory
(``ru_maxrss``) belongs to that tool alone. ``compute_s`` excludes interpreter start-up and imports.
"""

from __future__ import annotations

import json
import resource
import sys
import time


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

            def work() -> None:
                gps_stats_main(raw, out, tz, Frequency.DAILY, False)

        else:
            from forest.oak.base import run  # type: ignore[import-not-found]

            def work() -> None:
                run(raw, out, tz, Frequency.DAILY)

    elif tool.startswith("floor"):
        from pathlib import Path

        import polars as pl

        stream = "gps" if tool == "floor-gps" else "accelerometer"
        if stream == "gps":
            columns = ["timestamp", "latitude", "longitude", "accuracy"]
        else:
            columns = ["timestamp", "x", "y", "z"]
        types = {c: pl.Int64 if c == "timestamp" else pl.Float64 for c in columns}

        from withcare.sensing.readers.joined import join_files

        def work() -> None:
            # the cost of only reading the CSVs (the same columns Withcare reads, the same way:
            # each day's files into one buffer, one parse per day), with no checks and no
            # features: a floor for any CSV-based pipeline
            for folder in sorted(Path(raw).glob(f"*/{stream}")):
                by_day: dict[str, list[Path]] = {}
                for path in sorted(folder.glob("*.csv")):
                    by_day.setdefault(path.name[:10], []).append(path)
                for paths in by_day.values():
                    text = join_files(paths, list(range(len(paths)))).text
                    pl.read_csv(text, columns=columns, schema_overrides=types)

    else:
        from pathlib import Path

        from withcare.sensing.executors import run_features
        from withcare.sensing.options import FeatureOptions

        stream = "gps" if tool == "withcare-gps" else "accelerometer"

        def work() -> None:
            options = FeatureOptions(tz=tz, streams=(stream,))  # type: ignore[arg-type]
            run_features(Path(raw), Path(out), "beiwe", options, incremental=False)

    imported = time.perf_counter()
    cpu0 = _cpu()
    work()
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "tool": tool,
                "import_s": imported - started,
                "compute_s": done - imported,
                "compute_cpu_s": _cpu() - cpu0,
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
