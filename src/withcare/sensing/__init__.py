"""Smartphone-sensing feature pipeline: readers, daily features, executors. Pure data in, data out.

The public entry points are re-exported here; see docs/sensing/README.md for their use and
docs/sensing/features.md for every feature's definition.
"""

from __future__ import annotations

from withcare.sensing.consent import ProcessingGate, allow_all
from withcare.sensing.executors import EXECUTORS, RunSummary, run_features
from withcare.sensing.inspect import IngestSummary, check_dataset, file_report_table
from withcare.sensing.options import FeatureOptions
from withcare.sensing.pipeline import participant_features
from withcare.sensing.rejects import FileReport
from withcare.sensing.runner import ParticipantOutcome
from withcare.sensing.streams import STREAMS, Stream

__all__ = [
    "EXECUTORS",
    "STREAMS",
    "FeatureOptions",
    "FileReport",
    "IngestSummary",
    "ParticipantOutcome",
    "ProcessingGate",
    "RunSummary",
    "Stream",
    "allow_all",
    "check_dataset",
    "file_report_table",
    "participant_features",
    "run_features",
]
