"""The worker on both databases: claims are exclusive, failures are retried with back-off and every
attempt is recorded, deadlines are acted on once however many workers run."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from withcare.clock import ControllableClock
from withcare.db.models import DeliveryAttemptRow, EscalationRow, NotificationRow, User
from withcare.security.authorisation import Actor
from withcare.services.channels import Channel, DeliveryFailed, InAppChannel, compose
from withcare.services.safety import ClaimedNotification, backoff
from withcare.services.safety_worker import run_pass
from withcare.services.unit_of_work import actor_for
from withcare_testing.world import World


def actor(world: World, key: str) -> Actor:
    with world.platform.unit_of_work(None) as uow:
        user = uow.session.get(User, world[key].user_id)
        assert user is not None
        return actor_for(uow.session, user)


class Recording:
    name = "email"

    def __init__(self, fail_times: int = 0) -> None:
        self.sent: list[str] = []
        self.fail_times = fail_times
        self.lock = threading.Lock()

    def send(self, note: ClaimedNotification) -> None:
        with self.lock:
            if self.fail_times > 0:
                self.fail_times -= 1
                raise DeliveryFailed("SMTP refused: 451 try again later")
            self.sent.append(note.id)


def raise_some(world: World, count: int) -> None:
    for _ in range(count):
        world.platform.safety.request_contact(
            actor(world, "person"), world.person_id, ["phone"], []
        )


def test_two_claimers_never_both_send(sworld: World) -> None:
    raise_some(sworld, 6)
    channel = Recording()
    channels: dict[str, Channel] = {"email": channel, "in_app": InAppChannel()}
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                run_pass(sworld.platform, name, channels)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    counts = Counter(channel.sent)
    assert len(counts) == 6 and set(counts.values()) == {1}
    with sworld.platform.database.transaction() as session:
        rows = list(session.execute(select(NotificationRow)).scalars())
        attempts = list(session.execute(select(DeliveryAttemptRow)).scalars())
    assert {r.status for r in rows} == {"sent"} and all(r.attempts == 1 for r in rows)
    assert len(attempts) == len(rows) == 12


def test_a_failing_channel_is_retried_with_back_off_and_every_attempt_recorded(
    sworld: World, clock: ControllableClock
) -> None:
    raise_some(sworld, 1)
    channel = Recording(fail_times=2)
    channels: dict[str, Channel] = {"email": channel, "in_app": InAppChannel()}
    run_pass(sworld.platform, "w1", channels)
    run_pass(sworld.platform, "w1", channels)  # not due again yet: no attempt
    with sworld.platform.database.transaction() as session:
        email = session.execute(
            select(NotificationRow).where(NotificationRow.channel == "email")
        ).scalar_one()
    assert (email.status, email.attempts) == ("pending", 1)
    assert email.next_attempt_at == clock.now() + backoff(1)
    assert "451" in (email.last_error or "")
    clock.advance(backoff(1))
    run_pass(sworld.platform, "w1", channels)
    clock.advance(backoff(2))
    run_pass(sworld.platform, "w1", channels)
    assert len(channel.sent) == 1
    with sworld.platform.database.transaction() as session:
        email = session.execute(
            select(NotificationRow).where(NotificationRow.channel == "email")
        ).scalar_one()
        attempts = list(
            session.execute(
                select(DeliveryAttemptRow)
                .where(DeliveryAttemptRow.notification_id == email.id)
                .order_by(DeliveryAttemptRow.attempt)
            ).scalars()
        )
    assert (email.status, email.attempts) == ("sent", 3)
    assert [a.succeeded for a in attempts] == [False, False, True]
    assert backoff(1) < backoff(2) < backoff(3) and backoff(30) == timedelta(hours=1)


def test_a_dead_workers_claim_expires_and_another_sends(
    sworld: World, clock: ControllableClock
) -> None:
    raise_some(sworld, 1)
    claimed = sworld.platform.safety.claim_notifications("dead")
    assert len(claimed) == 2
    assert sworld.platform.safety.claim_notifications("alive") == []
    clock.advance(timedelta(minutes=3))
    channel = Recording()
    channels: dict[str, Channel] = {"email": channel, "in_app": InAppChannel()}
    run_pass(sworld.platform, "alive", channels)
    assert len(channel.sent) == 1
    assert not sworld.platform.safety.record_delivery("dead", claimed[0], None)


def test_two_workers_escalate_each_deadline_once(sworld: World, clock: ControllableClock) -> None:
    for _ in range(3):
        sworld.platform.safety.help_now(actor(sworld, "person"), sworld.person_id)
    sworld.platform.safety.request_contact(actor(sworld, "person"), sworld.person_id, ["phone"], [])
    clock.advance(timedelta(days=3))
    barrier = threading.Barrier(3)
    moved: list[int] = []

    def work(name: str) -> None:
        barrier.wait()
        moved.append(sworld.platform.safety.escalate_overdue(name))

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(moved) == 2  # one risk escalation (help-now joins) and one contact request
    with sworld.platform.database.transaction() as session:
        rows = list(session.execute(select(EscalationRow)).scalars())
    assert all(r.breaches == 1 and r.version == 2 for r in rows)


def test_messages_carry_a_link_and_the_urgency_never_personal_content(sworld: World) -> None:
    with sworld.platform.unit_of_work(None) as uow:
        sworld.platform.safety.check_text(
            uow, sworld.person_id, "message", "m1", "I want to kill myself tonight", "en"
        )
    [note, *_] = [
        n for n in sworld.platform.safety.claim_notifications("w1") if n.channel == "email"
    ]
    message = compose(note)
    text = message.subject + message.body
    assert f"/escalations/{note.escalation_id}" in text and "HIGH" in text
    assert "kill" not in text and "Testy" not in text and "Synthetic" not in text
