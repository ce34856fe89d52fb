"""Smartphone sensing in the platform against both databases: consent gates processing, withdrawal
stops it from that moment, and the research export holds consenting people only, pseudonymised."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from withcare.clock import ControllableClock
from withcare.db.models import (
    AuditEvent,
    DataFlowRow,
    Person,
    SensingDailyFeature,
    SensingEnrolment,
    SensingRun,
    User,
)
from withcare.domain.consent import DataStream, Purpose
from withcare.security.authorisation import AccessDenied, Actor
from withcare.services.errors import InvalidInput
from withcare.services.sensing import CONSENT_STREAMS, pseudonym
from withcare.services.unit_of_work import actor_for
from withcare_testing.world import World

from .conftest import PLAN


def participants(raw: Path) -> list[str]:
    return sorted(p.name for p in raw.iterdir() if p.is_dir())


def actor(world: World, key: str) -> Actor:
    with world.platform.unit_of_work(None) as uow:
        user = uow.session.get(User, world[key].user_id)
        assert user is not None
        return actor_for(uow.session, user)


def decide(
    world: World,
    key: str,
    person_id: str,
    action: str,
    purpose: Purpose = Purpose.DIRECT_CARE,
    streams: tuple[DataStream, ...] = CONSENT_STREAMS,
) -> None:
    for stream in streams:
        world.platform.consent.decide(actor(world, key), person_id, purpose, stream, action)


def stored(world: World, person_id: str) -> list[SensingDailyFeature]:
    with world.platform.unit_of_work(None) as uow:
        return list(
            uow.session.execute(
                select(SensingDailyFeature).where(SensingDailyFeature.person_id == person_id)
            ).scalars()
        )


def test_enrolment_needs_consent_and_a_care_relationship(world: World) -> None:
    sensing = world.platform.sensing
    clinician = actor(world, "clinician")
    with pytest.raises(InvalidInput) as refused:
        sensing.enrol(clinician, world.person_id, "p000a")
    assert "yes" in str(refused.value)
    with pytest.raises(AccessDenied):
        sensing.enrol(actor(world, "outsider"), world.person_id, "p000a")
    with pytest.raises(AccessDenied):
        sensing.enrol(actor(world, "clinician_b"), world.person_id, "p000a")
    decide(world, "person", world.person_id, "grant", streams=(DataStream.MOVEMENT,))
    with pytest.raises(InvalidInput) as bad:
        sensing.enrol(clinician, world.person_id, "../etc", timezone="Mars/Base")
    assert set(bad.value.problems) == {"participant_id", "timezone"}
    view = sensing.enrol(clinician, world.person_id, "p000a", platform="android")
    assert view.participant_id == "p000a"
    # the person may enrol themself too; a participant id links to one person only
    decide(world, "other_person", world.other_person_id, "grant")
    with pytest.raises(InvalidInput) as taken:
        sensing.enrol(actor(world, "other_person"), world.other_person_id, "p000a")
    assert "already" in taken.value.problems["participant_id"]
    sensing.enrol(actor(world, "other_person"), world.other_person_id, "p001b")


def test_no_processing_without_consent(world: World, raw_export: Path, tmp_path: Path) -> None:
    first, second = participants(raw_export)
    decide(world, "person", world.person_id, "grant")
    world.platform.sensing.enrol(actor(world, "clinician"), world.person_id, first)
    # the other person is enrolled, then withdraws everything before any processing
    decide(world, "other_person", world.other_person_id, "grant")
    world.platform.sensing.enrol(actor(world, "other_person"), world.other_person_id, second)
    decide(world, "other_person", world.other_person_id, "withdraw")
    result = world.platform.sensing.process(None, raw_export, "beiwe")
    outcomes = {o.participant: o for o in result.summary.outcomes}
    assert outcomes[second].status == "not permitted" and outcomes[second].reports == []
    assert outcomes[first].status == "computed"
    assert stored(world, world.other_person_id) == []
    data_dir = world.platform.settings.data_dir
    assert not list(data_dir.glob(".sensing-run-*")) and not (data_dir / "sensing").exists()
    assert len(stored(world, world.person_id)) == PLAN.days
    with world.platform.unit_of_work(None) as uow:
        run = uow.session.execute(select(SensingRun)).scalar_one()
        assert run.participants_not_permitted == 1 and run.participant_days_computed >= 1
        flows = uow.session.execute(
            select(DataFlowRow).where(DataFlowRow.person_id == world.other_person_id)
        ).scalars()
        assert not [f for f in flows if "processed" in f.description]
        assert (
            uow.session.execute(
                select(AuditEvent).where(AuditEvent.action == "sensing_features.write")
            )
            .scalars()
            .all()
        )


def test_unenrolled_participants_are_never_read(world: World, raw_export: Path) -> None:
    decide(world, "person", world.person_id, "grant")
    world.platform.sensing.enrol(
        actor(world, "person"), world.person_id, participants(raw_export)[0]
    )
    result = world.platform.sensing.process(None, raw_export, "auto")
    assert result.unenrolled == [participants(raw_export)[1]]
    assert [o.participant for o in result.summary.outcomes] == [participants(raw_export)[0]]


def test_withdrawal_stops_processing_and_hides_what_was_computed(
    world: World, raw_export: Path, clock: ControllableClock
) -> None:
    sensing = world.platform.sensing
    clinician = actor(world, "clinician")
    decide(world, "person", world.person_id, "grant")
    sensing.enrol(clinician, world.person_id, participants(raw_export)[0], platform="android")
    sensing.process(None, raw_export, "beiwe")
    view = sensing.person_view(clinician, world.person_id)
    assert len(view.days) == PLAN.days and view.hidden_days == 0
    assert any(day.values.get("home_time") is not None for day in view.days)
    assert {f.name for f in view.features} >= {"home_time", "steps"}
    assert all(d.gps_coverage is not None and 0 <= d.gps_coverage <= 1 for d in view.days)

    clock.advance(timedelta(minutes=5))
    decide(world, "person", world.person_id, "withdraw", streams=(DataStream.SMARTPHONE_LOCATION,))
    clock.advance(timedelta(minutes=5))
    (raw_export / participants(raw_export)[0] / "gps").touch()  # nothing else changed
    result = sensing.process(None, raw_export, "beiwe")
    outcome = next(o for o in result.summary.outcomes)
    assert outcome.reports and all(r.stream != "gps" for r in outcome.reports)
    view = sensing.person_view(clinician, world.person_id)
    assert view.days and all("home_time" not in d.values for d in view.days)
    assert all(d.gps_coverage is None for d in view.days)
    assert "home_time" not in {f.name for f in view.features}
    assert {s.stream: s.allowed for s in view.streams}[DataStream.SMARTPHONE_LOCATION] is False

    clock.advance(timedelta(minutes=5))
    decide(world, "person", world.person_id, "withdraw", streams=CONSENT_STREAMS[1:])
    result = sensing.process(None, raw_export, "beiwe")
    assert result.summary.outcomes[0].status == "not permitted"
    view = sensing.person_view(clinician, world.person_id)
    assert view.days == [] and view.hidden_days == view.stored_days == PLAN.days
    assert not view.any_allowed


def test_the_outsider_and_the_researcher_never_see_a_persons_features(world: World) -> None:
    for key in ("outsider", "researcher", "clinician_b", "other_person", "manager"):
        with pytest.raises(AccessDenied):
            world.platform.sensing.person_view(actor(world, key), world.person_id)
    with pytest.raises(AccessDenied):
        world.platform.sensing.research_export(actor(world, "clinician"))


def test_research_export_holds_consenting_people_only_and_no_identifiers(
    world: World, raw_export: Path
) -> None:
    sensing = world.platform.sensing
    first, second = participants(raw_export)
    decide(world, "person", world.person_id, "grant")
    decide(world, "person", world.person_id, "grant", purpose=Purpose.RESEARCH)
    decide(world, "other_person", world.other_person_id, "grant")  # care only, not research
    sensing.enrol(actor(world, "clinician"), world.person_id, first)
    sensing.enrol(actor(world, "clinician_b"), world.other_person_id, second)
    researcher = actor(world, "researcher")
    assert sensing.research_summary(researcher).participants == 0  # nothing processed yet
    assert sensing.research_export(researcher).strip().startswith("pseudonym,date")
    sensing.process(None, raw_export, "beiwe")
    summary = sensing.research_summary(researcher)
    assert (summary.participants, summary.days) == (1, PLAN.days)
    text = sensing.research_export(researcher)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == PLAN.days
    expected = pseudonym(world.platform.settings.secret_key, world.person_id)
    assert {r["pseudonym"] for r in rows} == {expected}
    assert "home_time" in rows[0] and "participant" not in rows[0] and "timezone" not in rows[0]
    # every personal value of the test world is absent
    with world.platform.unit_of_work(None) as uow:
        secrets: set[str] = {first, second}
        for person in uow.session.execute(select(Person)).scalars():
            secrets |= {person.id, person.given_name, person.family_name}
            secrets |= {person.date_of_birth.isoformat(), person.date_of_birth.strftime("%d/%m/%Y")}
        for user in uow.session.execute(select(User)).scalars():
            secrets |= {user.id, user.email, user.display_name}
        for enrolment in uow.session.execute(select(SensingEnrolment)).scalars():
            secrets |= {enrolment.id, enrolment.participant_id}
    for value in secrets:
        assert value and value not in text, value
    # stable across exports, keyed by the secret
    assert sensing.research_export(researcher).splitlines()[1:] == text.splitlines()[1:]
    assert pseudonym(b"another secret", world.person_id) != expected
    assert pseudonym(world.platform.settings.secret_key, world.other_person_id) != expected
    with world.platform.unit_of_work(None) as uow:
        audits = (
            uow.session.execute(
                select(AuditEvent).where(AuditEvent.action == "sensing_features.research_export")
            )
            .scalars()
            .all()
        )
        assert len(audits) == 3 and json.loads(audits[-1].details)["participants"] == 1
        research_flows = (
            uow.session.execute(
                select(DataFlowRow).where(DataFlowRow.purpose == Purpose.RESEARCH.value)
            )
            .scalars()
            .all()
        )
        assert {f.person_id for f in research_flows} == {world.person_id}

    # withdrawing research consent removes the person from the next export
    decide(world, "person", world.person_id, "withdraw", purpose=Purpose.RESEARCH)
    assert sensing.research_summary(researcher).participants == 0
    assert len(sensing.research_export(researcher).strip().splitlines()) == 1


def test_erasure_deletes_stored_features_and_the_enrolment(world: World, raw_export: Path) -> None:
    decide(world, "person", world.person_id, "grant")
    world.platform.sensing.enrol(
        actor(world, "person"), world.person_id, participants(raw_export)[0]
    )
    world.platform.sensing.process(None, raw_export, "beiwe")
    assert stored(world, world.person_id)
    world.platform.privacy.erase(actor(world, "person"), world.person_id, "ERASE")
    assert stored(world, world.person_id) == []
    with world.platform.unit_of_work(None) as uow:
        assert uow.session.execute(select(SensingEnrolment)).scalars().all() == []
