from __future__ import annotations

import polars as pl
import pytest

from withcare.sensing.features.quality import SamplingPlan, stream_quality
from withcare.sensing.features.sociability import call_features, distinct_contacts, text_features
from withcare.sensing.streams import SCHEMAS


def test_call_and_text_counts_and_distinct_contacts() -> None:
    calls = pl.DataFrame(
        {
            "t": [1, 2, 3, 4],
            "contact": ["a", "a", "b", "c"],
            "direction": ["in", "in", "out", "missed"],
            "duration_s": [60.0, 120.0, 30.0, 0.0],
        },
        schema=SCHEMAS["calls"],
    )
    texts = pl.DataFrame(
        {
            "t": [1, 2, 3],
            "contact": ["a", "d", "d"],
            "direction": ["out", "in", "in"],
            "kind": ["sms", "sms", "mms"],
            "length": [10.0, 5.0, None],
        },
        schema=SCHEMAS["texts"],
    )
    c = call_features(calls)
    assert (c["num_in_call"], c["num_in_caller"], c["total_mins_in_call"]) == (2, 1, 3.0)
    assert (c["num_out_call"], c["num_mis_call"], c["num_mis_caller"]) == (1, 1, 1)
    t = text_features(texts)
    assert (t["num_s"], t["num_r"], t["num_mms_r"], t["total_char_r"], t["num_uniq_r"]) == (
        1,
        1,
        1,
        5.0,
        1,
    )
    assert distinct_contacts(calls, texts) == 4


def test_quality_counts_gaps_from_midnight_and_expected_samples() -> None:
    day_lo, day_hi = 0, 24 * 3_600_000
    t = pl.Series([3_600_000 + i * 1000 for i in range(120)])  # two minutes of data at 01:00
    q = stream_quality("gps", t, day_lo, day_hi, SamplingPlan(1.0, 60.0, 600.0))
    assert q["gps_minutes_with_data"] == 2
    assert q["gps_observed_samples"] == 120
    assert q["gps_longest_gap_min"] == pytest.approx(24 * 60 - 60 - 2, abs=0.1)
    assert q["gps_expected_samples"] == pytest.approx(86400 * 60 / 660)
