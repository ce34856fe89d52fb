"""End to end, with real processes: the issue's safety journey.

A real web server (``withcare serve``, uvicorn on loopback), one or two ``withcare worker``
processes and a real SMTP server on loopback (aiosmtpd). Time is a shared file
(``WITHCARE_CLOCK_FILE``) so the test moves it for the server and every worker at once.

PHQ-9 with item 9 = 2 submitted through the web form -> crisis page shown -> escalation opened ->
e-mail to the named clinician -> deadline passes unacknowledged -> e-mail to the duty clinician ->
acknowledged -> action recorded -> closed. Then the same with the worker killed (SIGKILL) and
restarted in the middle, and the same with two workers (each e-mail exactly once).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from withcare.clock import FileClock
from withcare.config import Settings
from withcare.db import migrate
from withcare.db.engine import Database
from withcare.db.models import EscalationEventRow, EscalationRow, NotificationRow
from withcare.security import totp
from withcare.services.platform import Platform
from withcare_testing.safety import add_safety_staff
from withcare_testing.world import PASSWORD, Account, World, build_world

pytestmark = pytest.mark.slow
WITHCARE = str(Path(sys.executable).with_name("withcare"))
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday morning
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# --------------------------------------------------------------------------- the SMTP server


@dataclass
class Mailbox:
    messages: list[tuple[tuple[str, ...], Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append((tuple(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Any]:
        with self.lock:
            return [m for rcpt, m in self.messages if address in rcpt]

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(what: str, check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


# ------------------------------------------------------------------------------ the system


@dataclass
class System:
    tmp: Path
    url: str
    base_url: str
    clock: FileClock
    world: World
    mailbox: Mailbox
    env: dict[str, str]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    server: subprocess.Popen[bytes] | None = None

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [WITHCARE, "worker", "--database-url", self.url, "--interval", "0.2", "--id", name],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def rows(self, model: Any) -> list[Any]:
        database = Database(self.url)
        try:
            with database.transaction() as session:
                return list(session.execute(select(model)).scalars())
        finally:
            database.dispose()

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.tmp.glob("*.log")
        )


@pytest.fixture
def system(tmp_path: Path) -> Iterator[System]:
    url = f"sqlite:///{tmp_path / 'withcare.sqlite'}"
    database = Database(url)
    migrate.upgrade(database)
    database.dispose()
    clock_file = tmp_path / "clock.txt"
    clock = FileClock(str(clock_file))
    clock.set(START)
    settings = Settings(data_dir=tmp_path, database_url=url, secret_key=b"e2e-secret-key")
    platform = Platform(settings, clock)
    world = add_safety_staff(build_world(platform))
    platform.close()
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    env = {
        **os.environ,
        "WITHCARE_CLOCK_FILE": str(clock_file),
        "WITHCARE_DATA_DIR": str(tmp_path),
        "WITHCARE_SECRET_KEY": "e2e-secret-key",
        "WITHCARE_SMTP_HOST": "127.0.0.1",
        "WITHCARE_SMTP_PORT": str(smtp.port),
        "WITHCARE_BASE_URL": f"http://127.0.0.1:{port}",
    }
    running = System(tmp_path, url, f"http://127.0.0.1:{port}", clock, world, mailbox, env)
    log = (tmp_path / "server.log").open("ab")
    running.server = subprocess.Popen(
        [WITHCARE, "serve", "--port", str(port), "--database-url", url],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def up() -> bool:
        try:
            return httpx.get(f"{running.base_url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_for("the web server", up, 30)
        yield running
    finally:
        for process in [*running.workers, running.server]:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
        smtp.stop()


# -------------------------------------------------------------------------------- browsing


def log_in(system: System, account: Account) -> httpx.Client:
    client = httpx.Client(base_url=system.base_url, timeout=15)
    token = CSRF.search(client.get("/login").text)
    assert token
    response = client.post(
        "/login",
        data={"email": account.email, "password": PASSWORD, "csrf_token": token[1], "next": "/"},
    )
    assert response.status_code == 303, response.text[:300]
    if account.role.is_staff:
        assert account.totp_secret
        code = totp.code_at(account.totp_secret, system.clock.now())
        response = client.post(
            "/login/second-factor", data={"code": code, "csrf_token": token[1], "next": "/"}
        )
        assert response.status_code == 303, response.text[:300]
    return client


def csrf(client: httpx.Client, path: str) -> str:
    found = CSRF.search(client.get(path).text)
    assert found
    return found[1]


def submit_phq9_with_item9_two(system: System) -> None:
    person = log_in(system, system.world["person"])
    path = f"/people/{system.world.person_id}/questionnaires/phq9"
    data = {f"item_{i}": "1" for i in range(1, 9)} | {"item_9": "2"}
    response = person.post(path, data={**data, "csrf_token": csrf(person, path)})
    assert response.status_code == 303 and response.headers["location"] == "/crisis"
    crisis = person.get("/crisis")
    assert crisis.status_code == 200
    for number in ("999", "111", "116 123", "85258"):
        assert number in crisis.text
    assert "<script" not in crisis.text


def the_escalation(system: System) -> EscalationRow:
    [row] = system.rows(EscalationRow)
    assert isinstance(row, EscalationRow)
    return row


def email_sent(system: System, recipient_id: str) -> bool:
    return any(
        n.channel == "email" and n.recipient_id == recipient_id and n.status == "sent"
        for n in system.rows(NotificationRow)
    )


def act_and_close(system: System, escalation_id: str) -> None:
    duty = log_in(system, system.world["duty"])
    inbox = duty.get("/escalations")
    assert f"/escalations/{escalation_id}" in inbox.text
    url = f"/escalations/{escalation_id}/events"
    token = csrf(duty, f"/escalations/{escalation_id}")
    version = str(the_escalation(system).version)
    steps: list[dict[str, str]] = [
        {"kind": "acknowledge", "version": version},
        {"kind": "record_action", "action": "called_the_person"},
        {"kind": "close_with_outcome", "outcome": "safe_with_plan_in_place"},
    ]
    for step in steps:
        response = duty.post(url, data={**step, "csrf_token": token})
        assert response.status_code == 303, response.text[:500]


def journey(system: System, *, kill_mid_way: bool = False, workers: int = 1) -> None:
    world = system.world
    clinician, duty = world["clinician"], world["duty"]
    started = [system.start_worker(f"worker-{i}") for i in range(workers)]
    submit_phq9_with_item9_two(system)
    escalation = the_escalation(system)
    assert (escalation.urgency, escalation.level, escalation.state) == (
        "high",
        "named_clinician",
        "open",
    )
    assert escalation.deadline == START + timedelta(hours=1)
    wait_for("the named clinician's e-mail", lambda: bool(system.mailbox.to(clinician.email)))
    wait_for("the delivery to be recorded", lambda: email_sent(system, clinician.user_id))
    if kill_mid_way:
        for process in started:
            system.kill(process)
    system.clock.advance(timedelta(minutes=61))  # the deadline passes, unacknowledged
    if kill_mid_way:
        time.sleep(1.0)
        assert system.mailbox.to(duty.email) == []  # nothing acts while no worker runs
        assert the_escalation(system).level == "named_clinician"
        system.start_worker("worker-restarted")
    wait_for("the duty clinician's e-mail", lambda: bool(system.mailbox.to(duty.email)))
    wait_for("the delivery to be recorded", lambda: email_sent(system, duty.user_id))
    escalated = the_escalation(system)
    assert (escalated.level, escalated.breaches) == ("duty_clinician", 1)
    act_and_close(system, escalated.id)
    closed = the_escalation(system)
    assert (closed.state, closed.outcome) == ("closed", "safe_with_plan_in_place")
    events = sorted(system.rows(EscalationEventRow), key=lambda e: e.sequence)
    assert [e.kind for e in events] == [
        "raise",
        "deadline_passed",
        "acknowledge",
        "record_action",
        "close_with_outcome",
    ]
    time.sleep(1.0)  # give any would-be duplicate time to arrive
    assert len(system.mailbox.to(clinician.email)) == 1
    assert len(system.mailbox.to(duty.email)) == 1
    assert system.mailbox.count() == 2
    for message in system.mailbox.to(clinician.email) + system.mailbox.to(duty.email):
        body = message.get_payload(decode=True).decode()
        assert f"/escalations/{escalated.id}" in body
        assert "Testy" not in body and "Synthetic" not in body
    notes = system.rows(NotificationRow)
    assert {n.status for n in notes} == {"sent"}
    assert all(n.attempts == 1 for n in notes)


def test_the_issue_journey_with_one_worker(system: System) -> None:
    try:
        journey(system)
    except AssertionError:
        print(system.logs())
        raise


def test_the_worker_killed_and_restarted_mid_way_loses_nothing(system: System) -> None:
    try:
        journey(system, kill_mid_way=True)
    except AssertionError:
        print(system.logs())
        raise


def test_two_workers_send_each_email_exactly_once(system: System) -> None:
    try:
        journey(system, workers=2)
    except AssertionError:
        print(system.logs())
        raise
