"""Writing and verifying the audit log.

Entries are written by :class:`AuditWriter` inside the same transaction as the action they record,
so an action and its audit entry are committed together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from withcare.clock import Clock
from withcare.db.models import AuditEvent, AuditHead
from withcare.security.audit_chain import (
    GENESIS_HASH,
    ChainEntry,
    ChainReport,
    entry_hash,
    verify_chain,
)
from withcare.security.authorisation import Actor

SYSTEM_ACTOR_ID = "system"

# Details are for ids, counts and codes; never names, free text or contact details.
_ALLOWED_DETAIL_TYPES = (str, int, float, bool, type(None))


class AuditWriter:
    """Appends hash-chained entries within one database transaction.

    The chain's head row is locked by the first entry of the transaction and stays locked until it
    ends, so later entries of the same transaction reuse it without asking again; the entries
    themselves are written with the transaction's next flush (at the latest, the commit), in one
    batch. A page that lists many people (one "list" entry each) so costs a few statements, not
    three per person.
    """

    def __init__(self, session: Session, clock: Clock) -> None:
        self._session = session
        self._clock = clock
        self._locked_head: AuditHead | None = None

    def _head(self) -> AuditHead:
        if self._locked_head is not None:
            return self._locked_head
        head = self._session.execute(
            select(AuditHead).where(AuditHead.id == 1).with_for_update()
        ).scalar_one_or_none()
        if head is None:
            head = AuditHead(id=1, seq=0, hash=GENESIS_HASH)
            self._session.add(head)
            self._session.flush()
        self._locked_head = head
        return head

    def record(
        self,
        actor: Actor | None,
        action: str,
        *,
        subject_type: str,
        subject_id: str,
        reason: str,
        person_id: str | None = None,
        details: Mapping[str, object] | None = None,
    ) -> AuditEvent:
        for key, value in (details or {}).items():
            if not isinstance(value, _ALLOWED_DETAIL_TYPES):
                raise TypeError(f"audit detail {key!r} must be a plain value")
        head = self._head()
        seq = head.seq + 1
        at = self._clock.now()
        fields = {
            "seq": seq,
            "at": at,
            "actor_id": actor.user_id if actor else SYSTEM_ACTOR_ID,
            "actor_role": str(actor.role) if actor else SYSTEM_ACTOR_ID,
            "action": action,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "person_id": person_id,
            "reason": reason,
            "details": json.dumps(dict(details or {}), sort_keys=True, separators=(",", ":")),
            "prev_hash": head.hash,
        }
        digest = entry_hash(**fields)  # type: ignore[arg-type]
        event = AuditEvent(**fields, hash=digest)
        self._session.add(event)
        head.seq = seq
        head.hash = digest
        return event


def _entries(session: Session) -> Iterator[ChainEntry]:
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
    for row in rows:
        yield ChainEntry(
            seq=row.seq,
            at=row.at,
            actor_id=row.actor_id,
            actor_role=row.actor_role,
            action=row.action,
            subject_type=row.subject_type,
            subject_id=row.subject_id,
            person_id=row.person_id,
            reason=row.reason,
            details=row.details,
            prev_hash=row.prev_hash,
            hash=row.hash,
        )


def verify(session: Session) -> ChainReport:
    head = session.get(AuditHead, 1)
    return verify_chain(_entries(session), head.seq if head else None)


@dataclass(frozen=True)
class AccessRecord:
    """One line of "who looked at my record", for the person themself."""

    at: datetime
    actor_role: str
    actor_name: str
    action: str
    reason: str
