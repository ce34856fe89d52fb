"""Access follows the care relationship, enforced in the services whatever the caller."""

from __future__ import annotations

from datetime import timedelta

import pytest

from withcare.db.models import User
from withcare.security.authorisation import AccessDenied, Actor
from withcare.services.errors import InvalidInput
from withcare.services.pagination import PageRequest
from withcare.services.unit_of_work import actor_for
from withcare_testing.world import World


def actor(world: World, key: str) -> Actor:
    with world.platform.unit_of_work(None) as uow:
        user = uow.session.get(User, world[key].user_id)
        assert user is not None
        return actor_for(uow.session, user)


def test_clinician_sees_their_team_and_not_the_other(world: World) -> None:
    clinician = actor(world, "clinician")
    names = [row.person_id for row in world.platform.care.caseload(clinician, PageRequest()).items]
    assert names == [world.person_id]
    world.platform.care.person_record(clinician, world.person_id)
    with pytest.raises(AccessDenied):
        world.platform.care.person_record(clinician, world.other_person_id)


@pytest.mark.parametrize(
    "key", ["outsider", "manager", "researcher", "evaluator", "admin", "other_person"]
)
def test_no_relationship_no_record(world: World, key: str) -> None:
    who = actor(world, key)
    with pytest.raises(AccessDenied):
        world.platform.care.person_record(who, world.person_id)
    with pytest.raises(AccessDenied):
        world.platform.care.access_history(who, world.person_id, PageRequest())


def test_unknown_person_is_refused_like_a_stranger(world: World) -> None:
    with pytest.raises(AccessDenied, match="do not have access"):
        world.platform.care.person_record(actor(world, "clinician"), "0" * 32)


def test_carer_sees_what_was_granted_and_loses_it_when_revoked(world: World) -> None:
    from sqlalchemy import update

    from withcare.db.models import ProxyGrant

    carer = actor(world, "carer")
    assert world.platform.care.person_record(carer, world.person_id).person_id == world.person_id
    with pytest.raises(AccessDenied):
        world.platform.care.access_history(carer, world.person_id, PageRequest())
    with world.platform.database.transaction() as session:
        session.execute(update(ProxyGrant).values(revoked_at=world.platform.clock.now()))
    with pytest.raises(AccessDenied):
        world.platform.care.person_record(actor(world, "carer"), world.person_id)


def test_contacts_are_validated_and_recorded_for_the_open_episode(world: World) -> None:
    clinician = actor(world, "clinician")
    now = world.platform.clock.now()
    with pytest.raises(InvalidInput) as error:
        world.platform.care.record_contact(
            clinician,
            world.person_id,
            occurred_at=now + timedelta(days=1),
            mode="carrier_pigeon",
            duration_minutes=-5,
        )
    assert set(error.value.problems) == {"mode", "duration_minutes", "occurred_at"}
    view = world.platform.care.record_contact(
        clinician,
        world.person_id,
        occurred_at=now - timedelta(hours=1),
        mode="video",
        duration_minutes=40,
    )
    assert view.is_human
    record = world.platform.care.person_record(clinician, world.person_id)
    assert [c.id for c in record.contacts] == [view.id]
    with pytest.raises(AccessDenied):
        world.platform.care.record_contact(
            actor(world, "person"),
            world.person_id,
            occurred_at=now,
            mode="phone",
            duration_minutes=5,
        )


def test_person_sees_who_accessed_their_record(world: World) -> None:
    world.platform.care.person_record(actor(world, "clinician"), world.person_id)
    history = world.platform.care.access_history(
        actor(world, "person"), world.person_id, PageRequest()
    )
    assert any(e.who == "Clinician" and e.action == "person.read" for e in history.items)
