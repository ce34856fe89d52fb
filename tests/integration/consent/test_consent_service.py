"""The consent policy point against the database: implied direct care, explicit sensing, flows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from withcare.clock import ControllableClock
from withcare.domain.consent import Action, ConsentItem, ConsentRequired, DataStream, Purpose
from withcare.domain.consent import Actor as DecidedBy
from withcare_testing.world import World


def test_direct_care_questionnaires_flow_until_declined(
    world: World, clock: ControllableClock
) -> None:
    consent = world.platform.consent
    with world.platform.unit_of_work(None) as uow:
        consent.require_flow(
            uow,
            world.person_id,
            Purpose.DIRECT_CARE,
            DataStream.QUESTIONNAIRES,
            "PHQ-9 for your clinician",
        )
    clock.advance(timedelta(minutes=1))
    with world.platform.unit_of_work(None) as uow:
        consent.record(
            uow,
            world.person_id,
            ConsentItem(Purpose.DIRECT_CARE, DataStream.QUESTIONNAIRES),
            Action.REFUSE,
            decided_by=DecidedBy.SELF,
            recorded_by=world["person"].user_id,
        )
    clock.advance(timedelta(minutes=1))
    with (
        pytest.raises(ConsentRequired, match="questionnaires"),
        world.platform.unit_of_work(None) as uow,
    ):
        consent.require_flow(uow, world.person_id, Purpose.DIRECT_CARE, DataStream.QUESTIONNAIRES)
    with world.platform.unit_of_work(None) as uow:
        flows = consent.flows(uow, world.person_id)
    assert [f.description for f in flows] == ["PHQ-9 for your clinician"]


def test_sensing_needs_an_explicit_yes_and_stops_at_withdrawal(
    world: World, clock: ControllableClock
) -> None:
    consent = world.platform.consent
    item = ConsentItem(Purpose.DIRECT_CARE, DataStream.SMARTPHONE_LOCATION)
    with pytest.raises(ConsentRequired), world.platform.unit_of_work(None) as uow:
        consent.require_flow(uow, world.person_id, item.purpose, item.stream)
    with world.platform.unit_of_work(None) as uow:
        consent.record(
            uow,
            world.person_id,
            item,
            Action.GRANT,
            decided_by=DecidedBy.SELF,
            recorded_by=world["person"].user_id,
        )
    clock.advance(timedelta(seconds=1))
    with world.platform.unit_of_work(None) as uow:
        consent.require_flow(uow, world.person_id, item.purpose, item.stream)
        assert consent.people_allowed(
            uow, [world.person_id, world.other_person_id], item.purpose, [item.stream]
        ) == {world.person_id}
    clock.advance(timedelta(seconds=1))
    with world.platform.unit_of_work(None) as uow:
        consent.record(
            uow,
            world.person_id,
            item,
            Action.WITHDRAW,
            decided_by=DecidedBy.SELF,
            recorded_by=world["person"].user_id,
        )
    with pytest.raises(ConsentRequired, match="withdr"), world.platform.unit_of_work(None) as uow:
        consent.require_flow(uow, world.person_id, item.purpose, item.stream)
