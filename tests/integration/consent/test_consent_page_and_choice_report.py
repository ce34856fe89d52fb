"""The consent page service re-asks only what changed, and the manager's choice report counts only
people who agreed, with small numbers suppressed (issue 5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from withcare.clock import ControllableClock
from withcare.db.models import DataFlowRow, Person, User
from withcare.domain.care.choice import DigitalPart
from withcare.domain.consent import Action, ConsentItem, DataStream, ItemStatus, Purpose
from withcare.domain.consent import Actor as DecidedBy
from withcare.security.authorisation import Actor
from withcare.services.errors import InvalidInput
from withcare.services.unit_of_work import actor_for
from withcare_testing.world import World


def _actor(world: World, key: str) -> Actor:
    with world.platform.unit_of_work(None) as uow:
        user = uow.session.get(User, world[key].user_id)
        assert user is not None
        return actor_for(uow.session, user)


def test_a_new_version_asks_again_only_what_changed(world: World, clock: ControllableClock) -> None:
    person = _actor(world, "person")
    consent = world.platform.consent
    for purpose, stream in (("research", "questionnaires"), ("service_improvement", "check_ins")):
        consent.decide(person, world.person_id, purpose, stream, "grant")
    before = consent.page(person, world.person_id)
    assert before.document_version == 1
    clock.set(datetime(2026, 4, 2, tzinfo=UTC))  # version 2: research wording changed
    after = consent.page(person, world.person_id, "cy")
    states = {i.item: i.status for i in after.items}
    assert states[ConsentItem(Purpose.RESEARCH, DataStream.QUESTIONNAIRES)] is (
        ItemStatus.NEEDS_REASKING
    )
    assert states[ConsentItem(Purpose.SERVICE_IMPROVEMENT, DataStream.CHECK_INS)] is (
        ItemStatus.GRANTED
    )
    reasked = {i.item for i in after.to_answer if i.status is ItemStatus.NEEDS_REASKING}
    assert reasked == {ConsentItem(Purpose.RESEARCH, DataStream.QUESTIONNAIRES)}
    assert after.document_version == 2 and "Ymchwil" in " ".join(i.question for i in after.items)


def test_choice_report_counts_only_people_who_agreed(
    world: World, clock: ControllableClock
) -> None:
    platform = world.platform
    clinician = _actor(world, "clinician")
    ids = []
    with platform.unit_of_work(None) as uow:
        service_id = uow.session.execute(select(Person.service_id)).scalars().first()
        for n in range(14):
            person = Person(
                service_id=service_id,
                given_name=f"Report{n}",
                family_name="Person",
                date_of_birth=date(1980 + n, 1, 1),
                ethnicity="white_british" if n % 2 else "asian_british",
                created_at=clock.now(),
            )
            uow.session.add(person)
            uow.session.flush()
            ids.append(person.id)
            if n < 12:
                platform.consent.record(
                    uow,
                    person.id,
                    ConsentItem(Purpose.SERVICE_IMPROVEMENT, DataStream.CARE_CONTACTS),
                    Action.GRANT,
                    decided_by=DecidedBy.STAFF_ON_BEHALF,
                    recorded_by=clinician.user_id,
                )
    clock.advance(timedelta(seconds=1))
    for person_id in ids:  # everyone declines secure messaging (recorded as the service does)
        with platform.unit_of_work(None) as uow:
            platform.choice._add_event(
                uow, person_id, "declined", DigitalPart.SECURE_MESSAGING, clock.now(), "t"
            )
    report = platform.choice.report(_actor(world, "manager"))
    # 12 agreed, 4 did not (2 here, 2 in the test world): 4 is hidden, so 12 is hidden too,
    # or it could be recovered from the total
    assert report.coverage.cells["not included"].value is None
    assert report.coverage.cells["included"].value is None
    offered = report.alternatives[DigitalPart.SECURE_MESSAGING]
    assert offered.cells["no alternative offered yet"].value == 10
    with platform.unit_of_work(None) as uow:
        flows = uow.session.execute(
            select(func.count(DataFlowRow.id)).where(DataFlowRow.purpose == "service_improvement")
        ).scalar_one()
    assert flows == 12  # recorded for each person counted, and only for them


def test_refused_choices_say_what_to_do_in_catalogue_words(
    world: World, clock: ControllableClock
) -> None:
    """The care rules' refusals are catalogue messages (no part or alternative codes in them); a
    clock that went backwards asks to reload and try again, as nothing else would help."""
    person, clinician = _actor(world, "person"), _actor(world, "clinician")
    choice = world.platform.choice
    choice.decline(person, world.person_id, "secure_messaging")
    with pytest.raises(InvalidInput) as twice:
        choice.decline(person, world.person_id, "secure_messaging")
    assert twice.value.message.startswith("This part of care is already declined.")
    with pytest.raises(InvalidInput) as unsuitable:
        choice.record_offer(clinician, world.person_id, "secure_messaging", "paper_diary")
    assert set(unsuitable.value.problems) == {"alternative"}
    assert "paper_diary" not in unsuitable.value.message
    assert "secure_messaging" not in unsuitable.value.message
    with world.platform.unit_of_work(None) as uow:  # an event from a clock running ahead
        ahead = clock.now() + timedelta(minutes=5)
        choice._add_event(
            uow, world.person_id, "declined", DigitalPart.VIDEO_APPOINTMENTS, ahead, "t"
        )
    with pytest.raises(InvalidInput) as backwards:
        choice.reinstate(person, world.person_id, "secure_messaging")
    assert backwards.value.message == "This could not be saved. Reload the page and try again."
    assert DigitalPart.SECURE_MESSAGING in choice.view(person, world.person_id).declined
    # choosing ways of care that decline more parts meets the same clock: refused, not a crash
    with pytest.raises(InvalidInput) as preferences:
        choice.set_preferences(person, world.person_id, ["paper", "phone"])
    assert preferences.value.message == "This could not be saved. Reload the page and try again."
