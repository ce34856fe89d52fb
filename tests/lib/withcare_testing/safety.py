"""Safety additions to the test world: a named clinician for ``person`` and a duty clinician.

The shared world leaves the person's episode without a named clinician and nobody on duty; the
safety tests need both (and one test needs neither, to show the duty level takes over).
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select, update

from withcare.db.models import Episode, TeamMembership
from withcare.domain.roles import Role
from withcare_testing.world import PASSWORD, Account, World


def add_safety_staff(world: World, *, named: bool = True, duty: bool = True) -> World:
    """A copy of ``world`` (its account table is shared between tests, so never mutate it)."""
    world = dataclasses.replace(world, accounts=dict(world.accounts))
    platform = world.platform
    with platform.unit_of_work(None) as uow:
        if named:
            uow.session.execute(
                update(Episode)
                .where(Episode.person_id == world.person_id)
                .values(named_clinician_id=world["clinician"].user_id)
            )
        if duty:
            team_id = uow.session.execute(
                select(Episode.team_id).where(Episode.person_id == world.person_id)
            ).scalar_one()
            new = platform.accounts.create_user(
                uow,
                email="duty@test.withcare.test",
                display_name="Duty Clinician",
                role=Role.CLINICIAN,
                password=PASSWORD,
                service_id=_service_of(uow, world),
                enrol_totp=True,
            )
            uow.session.add(
                TeamMembership(user_id=new.user_id, team_id=team_id, is_duty_clinician=True)
            )
            world.accounts["duty"] = Account(
                "duty", new.email, Role.CLINICIAN, new.user_id, new.totp_secret
            )
    return world


def _service_of(uow: object, world: World) -> str:
    from withcare.db.models import Person

    session = uow.session  # type: ignore[attr-defined]
    person = session.get(Person, world.person_id)
    assert person is not None
    return str(person.service_id)
