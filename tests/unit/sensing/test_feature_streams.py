"""Every feature the sensing library computes belongs to the consent item of the stream it reads."""

from __future__ import annotations

from withcare.domain.consent import DataStream
from withcare.sensing.features.mobility import MOBILITY_FEATURES
from withcare.sensing.features.movement import MOVEMENT_FEATURES
from withcare.services.sensing import stream_of


def test_every_library_feature_is_gated_by_its_stream() -> None:
    assert {stream_of(name) for name in MOBILITY_FEATURES} == {DataStream.SMARTPHONE_LOCATION}
    assert {stream_of(name) for name in MOVEMENT_FEATURES} == {DataStream.MOVEMENT}
    assert stream_of("participant") is None and stream_of("something_new") is None
