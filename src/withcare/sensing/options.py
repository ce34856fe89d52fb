"""Run options shared by the pipeline, the executors and the command line."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from withcare.sensing.features.gps_chunks import MobilityConfig
from withcare.sensing.features.quality import DEFAULT_SAMPLING, SamplingPlan
from withcare.sensing.localtime import validate_timezone
from withcare.sensing.streams import STREAMS, Stream


@dataclass(frozen=True)
class FeatureOptions:
    """How to compute features. ``timezones`` maps participant ids to zones; others use ``tz``."""

    tz: str = "UTC"
    timezones: dict[str, str] = field(default_factory=dict)
    streams: tuple[Stream, ...] = STREAMS
    mobility: MobilityConfig = field(default_factory=MobilityConfig)
    sampling: dict[str, SamplingPlan] = field(default_factory=lambda: dict(DEFAULT_SAMPLING))

    def __post_init__(self) -> None:
        validate_timezone(self.tz)
        for zone in self.timezones.values():
            validate_timezone(zone)
        if not self.streams:
            raise ValueError("choose at least one stream")
        unknown = [s for s in self.streams if s not in STREAMS]
        if unknown:
            raise ValueError(f"unknown stream {unknown[0]!r}; choose from {', '.join(STREAMS)}")

    def zone_of(self, participant: str) -> str:
        return self.timezones.get(participant, self.tz)

    def fingerprint(self, participant: str) -> str:
        """Changes whenever a setting that affects this participant's features changes."""
        record = {
            "tz": self.zone_of(participant),
            "mobility": asdict(self.mobility),
            "sampling": {k: asdict(v) for k, v in sorted(self.sampling.items())},
            "version": FEATURE_VERSION,
        }
        return hashlib.blake2b(
            json.dumps(record, sort_keys=True).encode(), digest_size=12
        ).hexdigest()


#: Bump when a feature definition changes, so incremental runs recompute everything once.
FEATURE_VERSION = "1"
