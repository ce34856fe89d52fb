"""The manager's oversight: time to acknowledge, breaches, outcomes, outbox and worker."""

from __future__ import annotations

from sqlalchemy import select

from withcare.clock import FileClock
from withcare.db.models import EscalationRow, NotificationRow, WorkerHeartbeatRow
from withcare.domain.safety import EscalationState, Outcome, Urgency, summarise
from withcare.security.authorisation import Actor, Permission, authorise
from withcare.services.safety.constants import HEARTBEAT_STALE_AFTER, UNDELIVERABLE
from withcare.services.safety.rows import _to_domain
from withcare.services.safety.store import EscalationStore
from withcare.services.safety.views import HeartbeatView, Oversight


class OversightReports(EscalationStore):
    # --------------------------------------------------------------------------- oversight

    def oversight(self, actor: Actor | None) -> Oversight:
        """Time to acknowledge, breached deadlines, outcomes, the outbox and the worker."""
        authorise(actor, Permission.ESCALATIONS_OVERSIGHT)
        assert actor is not None
        with self._platform.unit_of_work(actor) as uow:
            now = uow.clock.now()
            rows = list(
                uow.session.execute(
                    select(EscalationRow).where(EscalationRow.service_id == actor.service_id)
                ).scalars()
            )
            summary = summarise((_to_domain(uow, r) for r in rows), now)
            breached = self._views(
                uow,
                (
                    r
                    for r in rows
                    if r.state != EscalationState.CLOSED.value
                    and (r.breaches or (r.deadline is not None and now >= r.deadline))
                ),
            )
            breached.sort(key=lambda v: (-Urgency(v.urgency).rank, v.deadline or v.raised_at))
            ids = [r.id for r in rows]
            outbox: dict[str, int] = {}
            for status in uow.session.execute(
                select(NotificationRow.status).where(NotificationRow.escalation_id.in_(ids))
            ).scalars():
                outbox[status] = outbox.get(status, 0) + 1
            noisy: dict[str, int] = {}
            for r in rows:
                if r.outcome == Outcome.REVIEWED_NOT_A_CURRENT_RISK.value:
                    for rule in r.rule_ids.split() or ["(none)"]:
                        noisy[rule] = noisy.get(rule, 0) + 1
            beats = [
                HeartbeatView(
                    b.worker_id,
                    b.host,
                    b.pid,
                    b.last_seen_at,
                    b.passes,
                    now - b.last_seen_at > HEARTBEAT_STALE_AFTER,
                )
                for b in uow.session.execute(
                    select(WorkerHeartbeatRow).order_by(WorkerHeartbeatRow.last_seen_at.desc())
                ).scalars()
            ]
            uow.audit.record(
                actor,
                "escalation.oversight",
                subject_type="service",
                subject_id=actor.service_id or "",
                reason="service_management",
            )
            return Oversight(
                summary=summary,
                breached_open=breached,
                by_outcome=sorted((o.value, n) for o, n in summary.by_outcome.items()),
                median_ack_minutes=sorted(
                    (u.value, round(d.total_seconds() / 60, 1))
                    for u, d in summary.median_time_to_acknowledge.items()
                ),
                outbox=outbox,
                undeliverable=outbox.get(UNDELIVERABLE, 0),
                heartbeats=beats,
                worker_alive=any(not b.stale for b in beats),
                closed_not_a_risk_by_rule=sorted(noisy.items()),
                test_clock=isinstance(self._platform.clock, FileClock),
            )
