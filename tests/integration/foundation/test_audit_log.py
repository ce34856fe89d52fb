"""Audit entries are written with the action, in the same transaction, and tampering is found."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, select, text, update

from withcare.db.models import AuditEvent
from withcare.services.pagination import PageRequest
from withcare.services.platform import Platform
from withcare.services.unit_of_work import actor_for
from withcare_testing.statements import statements_sent
from withcare_testing.world import World


def actor(world: World, key: str):  # type: ignore[no-untyped-def]
    from withcare.db.models import User

    with world.platform.unit_of_work(None) as uow:
        user = uow.session.get(User, world[key].user_id)
        assert user is not None
        return actor_for(uow.session, user)


def entries(platform: Platform, action: str) -> list[AuditEvent]:
    with platform.unit_of_work(None) as uow:
        return list(
            uow.session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars()
        )


def test_reading_a_record_is_audited_with_who_what_why(world: World) -> None:
    clinician = actor(world, "clinician")
    world.platform.care.person_record(clinician, world.person_id)
    [entry] = entries(world.platform, "person.read")
    assert entry.actor_id == world["clinician"].user_id
    assert entry.person_id == world.person_id
    assert entry.reason == "direct_care"
    assert world.platform.verify_audit().ok


def test_a_failed_action_leaves_no_audit_entry_and_no_data(world: World) -> None:
    platform = world.platform
    before = platform.verify_audit().checked
    with pytest.raises(RuntimeError), platform.unit_of_work(None) as uow:
        uow.audit.record(None, "test.write", subject_type="x", subject_id="1", reason="test")
        raise RuntimeError("boom")
    assert platform.verify_audit().checked == before
    assert entries(platform, "test.write") == []


def test_verify_names_the_first_altered_entry(world: World) -> None:
    platform = world.platform
    clinician = actor(world, "clinician")
    for _ in range(3):
        platform.care.person_record(clinician, world.person_id)
    target = entries(platform, "person.read")[1].seq
    with platform.database.transaction() as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == target).values(reason="nosy"))
    report = platform.verify_audit()
    assert not report.ok and report.first_bad_seq == target and "altered" in (report.problem or "")


def test_verify_notices_deleted_and_reordered_entries(world: World) -> None:
    platform = world.platform
    clinician = actor(world, "clinician")
    for _ in range(3):
        platform.care.person_record(clinician, world.person_id)
    seqs = [e.seq for e in entries(platform, "person.read")]
    with platform.database.transaction() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq == seqs[0]))
    report = platform.verify_audit()
    assert not report.ok and report.first_bad_seq == seqs[0] and "missing" in (report.problem or "")


def test_verify_notices_entries_deleted_from_the_end(world: World) -> None:
    platform = world.platform
    last = platform.verify_audit().checked
    with platform.database.transaction() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq == last))
    report = platform.verify_audit()
    assert not report.ok and report.first_bad_seq == last


def test_concurrent_writers_never_fork_the_chain(world: World) -> None:
    platform = world.platform
    clinician = actor(world, "clinician")
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                platform.care.caseload(clinician, PageRequest(1, 5))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = platform.verify_audit()
    assert report.ok, report.problem
    assert len(entries(platform, "person.list")) == 40


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_platform: Platform) -> None:
    with sqlite_platform.database.transaction() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def _write(platform: Platform, n: int) -> int:
    """Statements sent by one transaction that writes ``n`` audit entries."""
    with statements_sent(platform.database.engine) as sent, platform.unit_of_work(None) as uow:
        for i in range(n):
            uow.audit.record(None, "test.batch", subject_type="x", subject_id=str(i), reason="test")
    return len(sent)


def test_many_entries_in_one_transaction_cost_no_more_statements_than_one(world: World) -> None:
    """A page listing many people writes one entry per person: the chain's head is locked once
    per transaction and the entries go in one batch, and the chain stays whole."""
    platform = world.platform
    _write(platform, 1)  # the head row exists from here on
    assert _write(platform, 12) == _write(platform, 1)
    written = entries(platform, "test.batch")
    assert len(written) == 1 + 12 + 1
    seqs = sorted(e.seq for e in written)
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # one transaction's run is unbroken
    assert platform.verify_audit().ok


def test_entries_are_readable_in_the_transaction_that_wrote_them(world: World) -> None:
    with world.platform.unit_of_work(None) as uow:
        uow.audit.record(None, "test.seen", subject_type="x", subject_id="1", reason="test")
        found = uow.session.execute(
            select(AuditEvent).where(AuditEvent.action == "test.seen")
        ).scalars()
        assert [e.subject_id for e in found] == ["1"]  # flushed before the query
