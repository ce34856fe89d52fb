"""Two risk signals for one person at the same moment open one escalation, not two (both databases).

The first signal's transaction is held open after it opened the escalation; the second starts
meanwhile. Without the lock on the person's row, PostgreSQL would let the second see no open
escalation and open its own; with it, the second waits and then joins the first.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from withcare.db.models import EscalationRow, RiskSignalRow
from withcare_testing.world import World

TEXT = "I want to kill myself tonight"


def test_simultaneous_signals_for_one_person_open_one_escalation(sworld: World) -> None:
    platform = sworld.platform
    opened, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with platform.unit_of_work(None) as uow:
                platform.safety.check_text(uow, sworld.person_id, "message", "m1", TEXT, "en")
                opened.set()
                release.wait(30)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
            opened.set()

    def second() -> None:
        opened.wait(30)
        try:
            with platform.unit_of_work(None) as uow:
                platform.safety.check_text(uow, sworld.person_id, "message", "m2", TEXT, "en")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert opened.wait(30)
    time.sleep(1.0)  # the second transaction is now under way (or waiting for the first)
    release.set()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    with platform.database.transaction() as session:
        escalations = list(session.execute(select(EscalationRow)).scalars())
        signals = list(session.execute(select(RiskSignalRow)).scalars())
    assert len(escalations) == 1
    assert {s.source_id for s in signals} == {"m1", "m2"}
    assert {s.escalation_id for s in signals} == {escalations[0].id}
