"""The sensing pipeline's consent gate: answers from the policy point and fails closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from withcare.domain.consent import (
    Action,
    ConsentDecision,
    ConsentHistory,
    ConsentItem,
    DataStream,
    Purpose,
    record_decision,
)
from withcare.domain.consent.sensing_gate import SENSING_STREAMS, processing_gate
from withcare.sensing.streams import STREAMS

AT = datetime(2026, 2, 1, tzinfo=UTC)


def test_every_raw_sensing_stream_maps_to_a_passive_sensing_item() -> None:
    assert set(SENSING_STREAMS) == set(STREAMS)
    assert all(stream.is_passive_sensing for stream in SENSING_STREAMS.values())


def test_gate_follows_consent_per_participant_stream_and_time() -> None:
    history = record_decision(
        ConsentHistory(),
        ConsentDecision(ConsentItem(Purpose.RESEARCH, DataStream.MOVEMENT), Action.GRANT, AT, 1),
    )
    gate = processing_gate({"p1": history, "p2": ConsentHistory()}, Purpose.RESEARCH, AT)
    assert gate("p1", "accelerometer")
    assert not gate("p1", "gps")
    assert not gate("p2", "accelerometer")
    assert not gate("stranger", "accelerometer")
    assert not gate("p1", "microphone")
    earlier = processing_gate({"p1": history}, Purpose.RESEARCH, AT - timedelta(seconds=1))
    assert not earlier("p1", "accelerometer")
    other_purpose = processing_gate({"p1": history}, Purpose.DIRECT_CARE, AT)
    assert not other_purpose("p1", "accelerometer")
