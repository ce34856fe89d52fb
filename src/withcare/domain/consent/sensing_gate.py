"""The consent gate for the sensing pipeline (``withcare.sensing`` takes a ``ProcessingGate``).

The pipeline asks ``gate(participant, stream)`` before it opens any raw file; this builds that gate
from consent histories, for one purpose, at the moment of the run. It fails closed: an unknown
participant or a raw stream with no consent mapping is never read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from withcare.domain.consent.documents import ConsentDocuments
from withcare.domain.consent.history import ConsentHistory
from withcare.domain.consent.policy import check
from withcare.domain.consent.vocabulary import DataStream, Purpose

SENSING_STREAMS: Mapping[str, DataStream] = {
    "gps": DataStream.SMARTPHONE_LOCATION,
    "accelerometer": DataStream.MOVEMENT,
    "calls": DataStream.PHONE_USE_LOGS,
    "texts": DataStream.PHONE_USE_LOGS,
    "power_state": DataStream.PHONE_USE_LOGS,
}
"""Raw sensor streams (as named by the sensing readers) and the consent item each falls under."""


def processing_gate(
    histories: Mapping[str, ConsentHistory],
    purpose: Purpose,
    at: datetime,
    documents: ConsentDocuments | None = None,
    streams: Mapping[str, DataStream] = SENSING_STREAMS,
) -> Callable[[str, str], bool]:
    """A ``(participant, raw stream) -> bool`` gate answering with the consent policy point."""

    def gate(participant: str, stream: str) -> bool:
        history = histories.get(participant)
        data_stream = streams.get(stream)
        if history is None or data_stream is None:
            return False
        return check(history, purpose, data_stream, at, documents).allowed

    return gate
