"""The deadline and delivery worker (``withcare worker``; ``withcare demo`` runs one too).

Stateless: everything it acts on lives in the database, so killing it loses nothing and several can
run at once. Each pass it (1) writes its heartbeat, (2) moves every overdue escalation up one level
(a version-checked update per escalation), and (3) claims due notifications with a conditional
update and a lease, sends each through its channel and records the attempt (retrying failures with
exponential back-off). A pass that fails (database restarting, say) is logged and retried.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from withcare.services.channels import (
    Channel,
    ConsoleChannel,
    DeliveryFailed,
    SmtpChannel,
    default_channels,
    reminder_message,
)

if TYPE_CHECKING:
    from withcare.services.platform import Platform

log = logging.getLogger("withcare.worker")


@dataclass(frozen=True)
class PassResult:
    escalated: int
    sent: int
    failed: int
    reminders: int = 0


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def run_pass(platform: Platform, worker_id: str, channels: Mapping[str, Channel]) -> PassResult:
    escalated = platform.safety.escalate_overdue(worker_id)
    sent = failed = 0
    for note in platform.safety.claim_notifications(worker_id):
        error: str | None = None
        try:
            channel = channels.get(note.channel)
            if channel is None:
                raise DeliveryFailed(f"no channel called {note.channel!r}")
            channel.send(note)
        except Exception as problem:  # any failure is recorded and retried, never lost
            error = f"{type(problem).__name__}: {problem}"[:300]
        if platform.safety.record_delivery(worker_id, note, error):
            if error is None:
                sent += 1
            else:
                failed += 1
                log.warning("delivery %s via %s failed: %s", note.id, note.channel, error)
    return PassResult(escalated, sent, failed, send_reminders(platform, channels))


def send_reminders(platform: Platform, channels: Mapping[str, Channel]) -> int:
    """Questionnaire reminders by e-mail, for people with an address (issue 3).

    At most once: a reminder is marked sent before delivery, and one that fails is not retried
    (the person still sees the questionnaire in their "Things to do" list). The message carries no
    health information.
    """
    email = channels.get("email")
    if not isinstance(email, SmtpChannel | ConsoleChannel):
        return 0
    delivered = 0
    for reminder in platform.measures.reminders_due():
        if not reminder.email:
            continue
        try:
            email.deliver(
                reminder.email,
                reminder_message(reminder.assignment_id, platform.settings.service_name),
            )
            delivered += 1
        except DeliveryFailed as problem:
            log.warning("questionnaire reminder not delivered: %s", str(problem)[:120])
    return delivered


def run_forever(
    platform: Platform,
    worker_id: str,
    stop: threading.Event,
    interval: float = 2.0,
    channels: Mapping[str, Channel] | None = None,
) -> None:
    chosen = channels or default_channels(platform.settings)
    started = platform.clock.now()
    passes = 0
    while not stop.is_set():
        passes += 1
        try:
            platform.safety.heartbeat(worker_id, started, passes)
            result = run_pass(platform, worker_id, chosen)
            if result.escalated or result.sent or result.failed:
                log.info(
                    "pass %d: %d escalated, %d sent, %d failed",
                    passes,
                    result.escalated,
                    result.sent,
                    result.failed,
                )
        except Exception:  # keep going: the next pass retries from the database
            log.exception("worker pass failed; retrying")
        stop.wait(interval)


def start_in_background(platform: Platform, interval: float = 2.0) -> threading.Event:
    """Run a worker on a daemon thread (``withcare demo``); set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_forever,
        args=(platform, new_worker_id(), stop, interval),
        name="withcare-worker",
        daemon=True,
    )
    thread.start()
    return stop
