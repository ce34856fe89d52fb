"""Erasure leaves no known value of the person anywhere but what is documented as kept; field
encryption with rotation; the named-clinician rule (issue 5)."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from withcare.clock import ControllableClock
from withcare.db.models import Contact, Episode, Person, User
from withcare.domain.consent import Action, ConsentItem, DataStream, Purpose
from withcare.domain.consent import Actor as DecidedBy
from withcare.domain.roles import Role
from withcare.security.authorisation import AccessDenied, Actor
from withcare.security.field_encryption import DataKeyDestroyed
from withcare.services.errors import InvalidInput
from withcare.services.human_contact import NamedClinicianRequired
from withcare.services.unit_of_work import actor_for
from withcare_testing.world import World

GIVEN, FAMILY = "Zebedee", "Quillfeather"
EMAIL, PHONE = "zebedee.quill@example.org", "07700 900123"
BORN = date(1987, 3, 14)
SECRET = "I keep the spare key under the blue plant pot"
CORRECTION = "My middle name is Orlando"
NOTE = "prefers calls after Thorncastle school run"


def _actor(world: World, user_id: str) -> Actor:
    with world.platform.unit_of_work(None) as uow:
        user = uow.session.get(User, user_id)
        assert user is not None
        return actor_for(uow.session, user)


def _make_person(world: World) -> tuple[str, str]:
    platform = world.platform
    with platform.unit_of_work(None) as uow:
        service_id = uow.session.execute(select(Person.service_id)).scalars().first()
        assert service_id is not None
        person = Person(
            service_id=service_id,
            given_name=GIVEN,
            family_name=FAMILY,
            date_of_birth=BORN,
            email=EMAIL,
            phone=PHONE,
            created_at=platform.clock.now(),
        )
        uow.session.add(person)
        uow.session.flush()
        uow.session.add(
            Episode(
                person_id=person.id,
                team_id=world.team_a,
                named_clinician_id=world["clinician"].user_id,
                referral_source="self",
                referral_date=platform.clock.now().date() - timedelta(days=10),
                start_date=platform.clock.now().date() - timedelta(days=9),
            )
        )
        account = platform.accounts.create_user(
            uow,
            email=EMAIL,
            display_name=f"{GIVEN} {FAMILY}",
            role=Role.PERSON_IN_CARE,
            password="a long enough password",
            person_id=person.id,
            service_id=service_id,
            enrol_totp=False,
        )
        secret_token = platform.crypto.encrypt(uow, person.id, "check_in", "c1", "note", SECRET)
        return person.id, account.user_id + "|" + secret_token


def _known_values() -> list[bytes]:
    values = [GIVEN, FAMILY, EMAIL, PHONE, BORN.isoformat(), BORN.strftime("%d/%m/%Y")]
    values += [SECRET, CORRECTION, NOTE, "07700900123", "Thorncastle"]
    return [v.encode() for v in values] + [v.encode("utf-16-le") for v in (GIVEN, FAMILY)]


def test_erasure_leaves_no_known_value_in_the_database_or_data_dir(
    world: World, clock: ControllableClock, database_url: str, tmp_path: Path
) -> None:
    platform = world.platform
    person_id, packed = _make_person(world)
    user_id, secret_token = packed.split("|", 1)
    me = _actor(world, user_id)
    clinician = _actor(world, world["clinician"].user_id)
    platform.privacy.ask_correction(me, person_id, CORRECTION)
    platform.choice.decline(me, person_id, "secure_messaging")
    clock.advance(timedelta(seconds=1))
    platform.choice.record_offer(clinician, person_id, "secure_messaging", "phone_calls", NOTE)
    platform.consent.decide(me, person_id, "research", "questionnaires", "grant")
    platform.care.record_contact(
        clinician, person_id, occurred_at=clock.now(), mode="phone", duration_minutes=20
    )
    clock.advance(timedelta(seconds=1))
    assert platform.privacy.export(me, person_id).name == f"{GIVEN} {FAMILY}"
    with pytest.raises(InvalidInput):
        platform.privacy.erase(me, person_id, "yes please")
    with pytest.raises(AccessDenied):
        platform.privacy.erase(clinician, person_id, "ERASE")

    result = platform.privacy.erase(me, person_id, "ERASE")
    assert result.kept["contacts"] == 1 and result.deleted["correction_requests"] == 1

    with platform.unit_of_work(None) as uow, pytest.raises(DataKeyDestroyed):
        platform.crypto.decrypt(uow, person_id, "check_in", "c1", "note", secret_token)
    with platform.unit_of_work(None) as uow:
        # what is kept, as documented: the clinical record without identity, and the consent log
        assert (
            uow.session.execute(select(Contact).where(Contact.person_id == person_id))
            .scalars()
            .one()
        )
        person = uow.session.get(Person, person_id)
        assert person is not None and person.date_of_birth == date(1987, 7, 1)
        # every text column of every table, on both databases
        found = []
        connection = uow.session.connection()
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                blob = " ".join(str(v) for v in row)
                found += [(table, v) for v in _known_values() if v.decode("latin-1") in blob]
        assert found == []
    if database_url.startswith("sqlite"):
        platform.close()
        for path in [*tmp_path.rglob("*")]:
            if path.is_file():
                content = path.read_bytes()
                leaks = [v for v in _known_values() if v in content]
                assert leaks == [], (path.name, leaks)
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_rotation_rewraps_without_losing_anything(world: World, tmp_path: Path) -> None:
    platform = world.platform
    with platform.unit_of_work(None) as uow:
        token = platform.crypto.encrypt(uow, world.person_id, "safety_plan", "p1", "text", "hope")
    old = platform.crypto.keyring().current_key_id
    assert (tmp_path / "service_keys.json").stat().st_mode & 0o777 == 0o600
    new = platform.crypto.add_service_key()
    assert platform.crypto.keyring().current_key_id == new != old
    with platform.unit_of_work(None) as uow:  # reads work before re-wrapping
        assert platform.crypto.decrypt(uow, world.person_id, "safety_plan", "p1", "text", token)
    assert platform.crypto.rewrap() == 1
    assert platform.crypto.retire_unused() == [old]
    with platform.unit_of_work(None) as uow:
        got = platform.crypto.decrypt(uow, world.person_id, "safety_plan", "p1", "text", token)
    assert got == "hope" and platform.crypto.keys_in_use() == {new: 1}


def test_an_open_episode_never_loses_its_named_clinician(world: World) -> None:
    platform = world.platform
    clinician = _actor(world, world["clinician"].user_id)
    with pytest.raises(NamedClinicianRequired):
        platform.human_contact.open_episode(
            clinician,
            world.person_id,
            team_id=world.team_a,
            named_clinician_id=None,
            referral_source="gp",
            referral_date=platform.clock.now().date(),
        )
    with pytest.raises(NamedClinicianRequired):  # not in the team
        platform.human_contact.open_episode(
            clinician,
            world.person_id,
            team_id=world.team_a,
            named_clinician_id=world["clinician_b"].user_id,
            referral_source="gp",
            referral_date=platform.clock.now().date(),
        )
    episode_id = platform.human_contact.open_episode(
        clinician,
        world.person_id,
        team_id=world.team_a,
        named_clinician_id=clinician.user_id,
        referral_source="gp",
        referral_date=platform.clock.now().date(),
    )
    with pytest.raises(NamedClinicianRequired):
        platform.human_contact.assign_named_clinician(clinician, world.person_id, episode_id, None)


def test_proxy_needs_the_consent_item_as_well_as_the_grant(
    world: World, clock: ControllableClock
) -> None:
    platform = world.platform
    carer = _actor(world, world["carer"].user_id)
    assert platform.care.person_record(carer, world.person_id)
    with platform.unit_of_work(None) as uow:
        platform.consent.record(
            uow,
            world.person_id,
            ConsentItem(Purpose.DIRECT_CARE, DataStream.PROXY_ACCESS),
            Action.WITHDRAW,
            decided_by=DecidedBy.SELF,
            recorded_by=world["person"].user_id,
        )
    with pytest.raises(AccessDenied):
        platform.care.person_record(carer, world.person_id)
    with pytest.raises(AccessDenied):
        platform.consent.page(carer, world.person_id)


def test_a_running_server_keeps_reading_through_a_rotation_elsewhere(world: World) -> None:
    from withcare.services.platform import Platform

    server = world.platform
    with server.unit_of_work(None) as uow:
        token = server.crypto.encrypt(uow, world.person_id, "message", "m1", "body", "hello")
    cli = Platform(server.settings, server.clock)  # `withcare keys rotate` in another process
    try:
        cli.crypto.add_service_key()
        assert cli.crypto.rewrap() == 1
        assert len(cli.crypto.retire_unused()) == 1
    finally:
        cli.close()
    with server.unit_of_work(None) as uow:  # the server only knew the retired key until now
        assert server.crypto.decrypt(uow, world.person_id, "message", "m1", "body", token) == (
            "hello"
        )
        again = server.crypto.encrypt(uow, world.person_id, "message", "m2", "body", "again")
        assert server.crypto.decrypt(uow, world.person_id, "message", "m2", "body", again)
