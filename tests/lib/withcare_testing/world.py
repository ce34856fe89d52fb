"""The named test world: one account per role, plus an outsider who must be refused everywhere.

Two teams; ``clinician`` is in team A (where ``person`` has an open episode), ``clinician_b`` in
team B (where ``other_person`` is). ``carer`` may view ``person``'s record. ``outsider`` is a
clinician in no team.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from withcare.clock import ControllableClock, FileClock
from withcare.db.models import (
    CareTeam,
    ConsentDecisionRow,
    Episode,
    Person,
    ProxyGrant,
    Service,
    TeamMembership,
    User,
)
from withcare.domain.roles import Role
from withcare.security import totp
from withcare.services.platform import Platform

PASSWORD = "correct horse battery"


@dataclass
class Account:
    key: str
    email: str
    role: Role
    user_id: str
    totp_secret: str | None
    person_id: str | None = None

    def code(self, platform: Platform) -> str:
        """A one-time code the platform accepts now and this account has not used yet."""
        assert self.totp_secret
        return fresh_code(platform, self.user_id, self.totp_secret)


def fresh_code(platform: Platform, user_id: str, secret: str) -> str:
    """A code for ``secret`` that logs ``user_id`` in now, like a real authenticator app would.

    A code works once (RFC 6238 section 5.2: the platform keeps the last accepted time step per
    user), yet tests log one account in again and again while the clock stands still. So this
    reads the account's last accepted step and gives the earliest unused step's code that the
    platform accepts at ``platform.clock.now()``: the current step's, or else the next step's (the
    drift window accepts it, as it would from a phone whose clock runs a little ahead). Only when
    both are spent does time move on to the start of the step that brings the next unused step
    into the window (at most one step): a ``ControllableClock`` or ``FileClock`` is advanced, and
    on the wall clock (browser tests) the helper waits. Nothing here bypasses the replay check.
    """
    with platform.unit_of_work(None) as uow:
        user = uow.session.get(User, user_id)
        assert user is not None, user_id
        last = user.totp_last_step
    now = platform.clock.now()
    step = totp.step_at(now) if last is None else max(totp.step_at(now), last + 1)
    usable_from = totp.step_start(step - totp.DRIFT_STEPS)
    if usable_from > now:
        clock = platform.clock
        if isinstance(clock, ControllableClock | FileClock):
            clock.advance(usable_from - now)
        else:
            time.sleep((usable_from - now).total_seconds() + 0.05)
    return totp.code_for_step(secret, step)


@dataclass
class World:
    platform: Platform
    accounts: dict[str, Account] = field(default_factory=dict)
    person_id: str = ""
    other_person_id: str = ""
    team_a: str = ""
    team_b: str = ""

    def __getitem__(self, key: str) -> Account:
        return self.accounts[key]


def build_world(platform: Platform) -> World:
    world = World(platform)
    now = platform.clock.now()
    with platform.unit_of_work(None) as uow:
        service = Service(name="Test service", created_at=now)
        uow.session.add(service)
        uow.session.flush()
        team_a = CareTeam(service_id=service.id, name="Team A", created_at=now)
        team_b = CareTeam(service_id=service.id, name="Team B", created_at=now)
        uow.session.add_all([team_a, team_b])
        uow.session.flush()
        world.team_a, world.team_b = team_a.id, team_b.id
        people = []
        for given, team in (("Testy", team_a), ("Other", team_b)):
            person = Person(
                service_id=service.id,
                given_name=given,
                family_name="Synthetic",
                date_of_birth=date(1990, 1, 2),
                created_at=now,
            )
            uow.session.add(person)
            uow.session.flush()
            episode = Episode(
                person_id=person.id,
                team_id=team.id,
                referral_source="self",
                referral_date=now.date() - timedelta(days=30),
                start_date=now.date() - timedelta(days=20),
            )
            uow.session.add(episode)
            uow.session.flush()
            people.append(person)
        world.person_id, world.other_person_id = people[0].id, people[1].id

        def add(key: str, role: Role, person_id: str | None = None) -> Account:
            new = platform.accounts.create_user(
                uow,
                email=f"{key}@test.withcare.test",
                display_name=key.replace("_", " ").title(),
                role=role,
                password=PASSWORD,
                person_id=person_id,
                service_id=service.id,
                enrol_totp=role.is_staff,
            )
            account = Account(key, new.email, role, new.user_id, new.totp_secret, person_id)
            world.accounts[key] = account
            return account

        clinician = add("clinician", Role.CLINICIAN)
        clinician_b = add("clinician_b", Role.CLINICIAN)
        add("outsider", Role.CLINICIAN)
        add("person", Role.PERSON_IN_CARE, world.person_id)
        add("other_person", Role.PERSON_IN_CARE, world.other_person_id)
        carer = add("carer", Role.CARER)
        add("manager", Role.SERVICE_MANAGER)
        add("researcher", Role.RESEARCHER)
        add("evaluator", Role.TECHNOLOGY_EVALUATOR)
        add("admin", Role.ADMIN)
        uow.session.add(TeamMembership(user_id=clinician.user_id, team_id=team_a.id))
        uow.session.add(TeamMembership(user_id=clinician_b.user_id, team_id=team_b.id))
        uow.session.add(
            ProxyGrant(
                person_id=world.person_id,
                carer_user_id=carer.user_id,
                scopes="view_record",
                granted_at=now,
            )
        )
        # a carer acts only while the person also allows proxy access as a consent item (issue 5)
        uow.session.add(
            ConsentDecisionRow(
                person_id=world.person_id,
                purpose="direct_care",
                stream="proxy_access",
                action="grant",
                at=now,
                document_version=1,
                decided_by="self",
                recorded_by=world.accounts["person"].user_id,
            )
        )
    return world
