"""The worker's side: heartbeats, overdue escalation, outbox claims and delivery records."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from withcare.db.models import (
    DeliveryAttemptRow,
    EscalationRow,
    NotificationRow,
    User,
    WorkerHeartbeatRow,
)
from withcare.domain.safety import Actor as SafetyActor
from withcare.domain.safety import (
    EscalationState,
    Event,
    GuardFailedError,
    InvalidTransitionError,
    apply_event,
    overdue_event,
)
from withcare.security.authorisation import Actor, Permission, authorise
from withcare.services.safety.constants import BACKOFF_FIRST, BACKOFF_MAX, PENDING, SENDING, SENT
from withcare.services.safety.rows import _LostRace, _to_domain
from withcare.services.safety.store import EscalationStore
from withcare.services.safety.views import ClaimedNotification, NotificationView


class NotificationOutbox(EscalationStore):
    # ------------------------------------------------------------------------------ worker

    def heartbeat(self, worker_id: str, started_at: datetime, passes: int) -> None:
        with self._platform.unit_of_work(None) as uow:
            row = uow.session.get(WorkerHeartbeatRow, worker_id)
            if row is None:
                row = WorkerHeartbeatRow(
                    worker_id=worker_id,
                    host=socket.gethostname()[:200],
                    pid=os.getpid(),
                    started_at=started_at,
                )
                uow.session.add(row)
            row.last_seen_at = uow.clock.now()
            row.passes = passes

    def escalate_overdue(self, worker_id: str, limit: int = 50) -> int:
        """Move every overdue escalation up one level; returns how many this worker moved.

        Each escalation is its own transaction with a version check, so a second worker (or a
        clinician acknowledging at that moment) wins cleanly and nothing is applied twice.
        """
        now = self._platform.clock.now()
        with self._platform.database.transaction() as session:
            due = list(
                session.execute(
                    select(EscalationRow.id)
                    .where(
                        EscalationRow.state != EscalationState.CLOSED.value,
                        EscalationRow.deadline <= now,
                    )
                    .order_by(EscalationRow.deadline)
                    .limit(limit)
                ).scalars()
            )
        moved = 0
        for escalation_id in due:
            try:
                with self._platform.unit_of_work(None) as uow:
                    row = uow.session.get(EscalationRow, escalation_id)
                    if row is None:
                        continue
                    escalation = _to_domain(uow, row)
                    event = overdue_event(escalation, uow.clock.now())
                    if event is None:
                        continue
                    event = Event.deadline_passed(event.at, SafetyActor.system(worker_id[:64]))
                    try:
                        transition = apply_event(escalation, event, self.policy)
                    except (GuardFailedError, InvalidTransitionError):
                        continue
                    self._store(uow, row, transition)
                    uow.audit.record(
                        None,
                        "escalation.deadline_passed",
                        subject_type="escalation",
                        subject_id=row.id,
                        person_id=row.person_id,
                        reason="safety",
                        details={
                            "level": transition.escalation.level.value,
                            "breaches": transition.escalation.breaches,
                            "worker": worker_id,
                        },
                    )
                    moved += 1
            except _LostRace:
                continue  # another worker or a clinician acted first: rolled back
        return moved

    def claim_notifications(
        self, worker_id: str, limit: int = 20, lease: timedelta = timedelta(minutes=2)
    ) -> list[ClaimedNotification]:
        """Claim due notifications with a conditional update and a lease.

        ``UPDATE ... WHERE id = :id AND status IN (pending, sending) AND (claimed_until IS NULL OR
        claimed_until < :now)``: only one worker's update can match, so only one worker sends.
        A worker that dies mid-way loses its lease and another picks the row up.
        """
        now = self._platform.clock.now()
        with self._platform.database.transaction() as session:
            candidates = list(
                session.execute(
                    select(NotificationRow.id)
                    .where(
                        NotificationRow.status.in_((PENDING, SENDING)),
                        NotificationRow.next_attempt_at <= now,
                        or_(
                            NotificationRow.claimed_until.is_(None),
                            NotificationRow.claimed_until < now,
                        ),
                    )
                    .order_by(NotificationRow.next_attempt_at)
                    .limit(limit)
                ).scalars()
            )
        claimed: list[ClaimedNotification] = []
        for notification_id in candidates:
            with self._platform.database.transaction() as session:
                result = session.execute(
                    update(NotificationRow)
                    .where(
                        NotificationRow.id == notification_id,
                        NotificationRow.status.in_((PENDING, SENDING)),
                        or_(
                            NotificationRow.claimed_until.is_(None),
                            NotificationRow.claimed_until < now,
                        ),
                    )
                    .values(status=SENDING, claimed_by=worker_id, claimed_until=now + lease)
                    .execution_options(synchronize_session=False)
                )
                if getattr(result, "rowcount", 0) != 1:
                    continue
                row = session.get(NotificationRow, notification_id)
                assert row is not None
                escalation = session.get(EscalationRow, row.escalation_id)
                user = session.get(User, row.recipient_id)
                claimed.append(
                    ClaimedNotification(
                        id=row.id,
                        escalation_id=row.escalation_id,
                        sequence=row.sequence,
                        channel=row.channel,
                        recipient_id=row.recipient_id,
                        recipient_email=user.email if user else "",
                        recipient_name=user.display_name if user else "",
                        level=row.level,
                        reason=row.reason,
                        urgency=row.urgency,
                        overdue_since=row.overdue_since,
                        deadline=escalation.deadline if escalation else None,
                        attempt=row.attempts + 1,
                    )
                )
        return claimed

    def record_delivery(
        self, worker_id: str, claimed: ClaimedNotification, error: str | None
    ) -> bool:
        """Record one attempt; on failure schedule a retry with exponential back-off.
        Returns False if this worker no longer held the claim (nothing recorded)."""
        now = self._platform.clock.now()
        with self._platform.database.transaction() as session:
            row = session.get(NotificationRow, claimed.id)
            if row is None or row.claimed_by != worker_id or row.status != SENDING:
                return False
            attempt = row.attempts + 1
            session.add(
                DeliveryAttemptRow(
                    notification_id=row.id,
                    attempt=attempt,
                    worker_id=worker_id,
                    at=now,
                    succeeded=error is None,
                    error=None if error is None else error[:300],
                )
            )
            values: dict[str, Any] = {"attempts": attempt, "claimed_until": None}
            if error is None:
                values |= {"status": SENT, "delivered_at": now, "last_error": None}
            else:
                values |= {
                    "status": PENDING,
                    "next_attempt_at": now + backoff(attempt),
                    "last_error": error[:300],
                }
            result = session.execute(
                update(NotificationRow)
                .where(
                    NotificationRow.id == row.id,
                    NotificationRow.claimed_by == worker_id,
                    NotificationRow.status == SENDING,
                    NotificationRow.attempts == row.attempts,
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            return getattr(result, "rowcount", 0) == 1

    def in_app_notifications(self, actor: Actor | None) -> list[NotificationView]:
        """Unread in-app notifications for the signed-in clinician or manager."""
        authorise(actor, Permission.ESCALATIONS_HANDLE)
        assert actor is not None
        with self._platform.unit_of_work(actor) as uow:
            rows = uow.session.execute(
                select(NotificationRow)
                .where(
                    NotificationRow.recipient_id == actor.user_id,
                    NotificationRow.channel == "in_app",
                    NotificationRow.status == SENT,
                )
                .order_by(NotificationRow.delivered_at.desc())
                .limit(20)
            ).scalars()
            return [
                NotificationView(
                    n.id,
                    n.sequence,
                    n.channel,
                    actor.display_name,
                    n.reason,
                    n.status,
                    n.attempts,
                    n.next_attempt_at,
                    n.delivered_at,
                    None,
                    n.escalation_id,
                )
                for n in rows
            ]


def backoff(attempt: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... at most an hour; never gives up."""
    delay: timedelta = BACKOFF_FIRST * (2 ** max(0, attempt - 1))
    return min(delay, BACKOFF_MAX)
