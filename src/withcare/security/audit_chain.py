"""The audit log's hash chain: how an entry's hash is computed and how a chain is checked.

Each entry's hash covers its own fields and the previous entry's hash, so changing, deleting or
re-ordering any entry breaks every hash after it. Verification reports the *first* broken link,
which is where an investigator should start.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class ChainEntry:
    seq: int
    at: datetime
    actor_id: str
    actor_role: str
    action: str
    subject_type: str
    subject_id: str
    person_id: str | None
    reason: str
    details: str
    prev_hash: str
    hash: str


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor_id: str,
    actor_role: str,
    action: str,
    subject_type: str,
    subject_id: str,
    person_id: str | None,
    reason: str,
    details: str,
    prev_hash: str,
) -> str:
    payload = json.dumps(
        [
            seq,
            at.isoformat(timespec="microseconds"),
            actor_id,
            actor_role,
            action,
            subject_type,
            subject_id,
            person_id,
            reason,
            details,
            prev_hash,
        ],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    problem: str | None = None
    first_bad_seq: int | None = None


def verify_chain(entries: Iterable[ChainEntry], head_seq: int | None = None) -> ChainReport:
    """Walk ``entries`` in stored order and report the first altered, deleted or re-ordered one."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            if entry.seq > expected_seq:
                return ChainReport(
                    False,
                    checked,
                    f"entry {expected_seq} is missing (deleted): the log jumps from "
                    f"{expected_seq - 1} to {entry.seq}",
                    expected_seq,
                )
            return ChainReport(
                False, checked, f"entry {entry.seq} is out of order (re-ordered)", entry.seq
            )
        if entry.prev_hash != prev_hash:
            return ChainReport(
                False,
                checked,
                f"entry {entry.seq} does not follow entry {entry.seq - 1} "
                "(re-ordered, or an earlier entry was replaced)",
                entry.seq,
            )
        recomputed = entry_hash(
            seq=entry.seq,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_role=entry.actor_role,
            action=entry.action,
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            person_id=entry.person_id,
            reason=entry.reason,
            details=entry.details,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            return ChainReport(
                False, checked, f"entry {entry.seq} was altered after it was written", entry.seq
            )
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    if head_seq is not None and head_seq > checked:
        return ChainReport(
            False,
            checked,
            f"entries {checked + 1} to {head_seq} are missing (deleted from the end of the log)",
            checked + 1,
        )
    return ChainReport(True, checked)
