"""Limits on what evaluators, reviewers and clinicians may write into the registry."""

from __future__ import annotations

MAX_IMPORT_BYTES = 2_000_000
MAX_REVIEW_CHARS = 4000
MAX_NOTE_CHARS = 300
MIN_REASON_CHARS = 10
