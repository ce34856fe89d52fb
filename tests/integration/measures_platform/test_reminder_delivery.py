"""Questionnaire reminders reach the person by e-mail through the worker, once per window.

A real SMTP server on loopback (aiosmtpd) receives them: the same protocol a service's mail relay
speaks. The message says nothing about the person's health or which questionnaire it is.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update

from withcare.db.models import Person, User
from withcare.security.authorisation import Actor
from withcare.services.channels import SmtpChannel
from withcare.services.safety_worker import send_reminders
from withcare.services.unit_of_work import actor_for
from withcare_testing.world import World


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode()))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def actor(world: World, key: str) -> Actor:
    with world.platform.unit_of_work(None) as uow:
        user = uow.session.get(User, world[key].user_id)
        assert user is not None
        return actor_for(uow.session, user)


def test_the_worker_e_mails_a_due_reminder_once_and_without_health_details(
    world: World, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    with world.platform.database.transaction() as session:
        session.execute(
            update(Person).where(Person.id == world.person_id).values(email="testy@example.test")
        )
    world.platform.measures.assign(
        actor(world, "clinician"), world.person_id, "phq9", window_days=5
    )
    channels = {"email": SmtpChannel("127.0.0.1", port, "withcare@test", "Withcare")}
    assert send_reminders(world.platform, channels) == 1
    assert send_reminders(world.platform, channels) == 0  # once per window
    deadline = time.monotonic() + 5
    while not box.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    [(recipients, content)] = box.messages
    assert recipients == ["testy@example.test"]
    assert "questionnaire is waiting" in content
    for secret in ("PHQ", "phq9", "depress", "Testy", world.person_id):
        assert secret not in content


def test_people_without_an_address_are_not_e_mailed(
    world: World, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    world.platform.measures.assign(
        actor(world, "clinician"), world.person_id, "gad7", window_days=5
    )
    channels = {"email": SmtpChannel("127.0.0.1", port, "withcare@test", "Withcare")}
    assert send_reminders(world.platform, channels) == 0
    assert box.messages == []
