"""The demo enrols a few people with explicit sensing consent and processes a small export quickly."""

from __future__ import annotations

import time

from sqlalchemy import select

from withcare.db.models import SensingDailyFeature, SensingEnrolment, SensingRun, User
from withcare.domain.consent import DataStream, Purpose
from withcare.services.demo import load_demo
from withcare.services.platform import Platform
from withcare.services.unit_of_work import actor_for


def test_demo_people_have_consented_sensing_features(platform: Platform) -> None:
    started = time.perf_counter()
    with platform.unit_of_work(None) as uow:
        load_demo(uow, platform.accounts.create_user)
    assert time.perf_counter() - started < 60
    with platform.unit_of_work(None) as uow:
        enrolled = list(uow.session.execute(select(SensingEnrolment)).scalars())
        days = list(uow.session.execute(select(SensingDailyFeature)).scalars())
        runs = list(uow.session.execute(select(SensingRun)).scalars())
        person_user = uow.session.execute(
            select(User).where(User.email == "person@demo.withcare.test")
        ).scalar_one()
        person = actor_for(uow.session, person_user)
        researcher = actor_for(
            uow.session,
            uow.session.execute(select(User).where(User.email == "researcher@demo.withcare.test"))
            .scalars()
            .first(),  # type: ignore[arg-type]
        )
    assert len(enrolled) == 3 and len(runs) == 1 and runs[0].source == "demo"
    assert {d.person_id for d in days} == {e.person_id for e in enrolled}
    for enrolment in enrolled:
        with platform.unit_of_work(None) as uow:
            allowed = platform.consent.check(
                uow, enrolment.person_id, Purpose.DIRECT_CARE, DataStream.SMARTPHONE_LOCATION
            )
        assert allowed.allowed
    own = platform.sensing.person_view(person, person.person_id or "")
    assert own.days and own.enrolment is not None
    assert platform.sensing.research_summary(researcher).participants == 2
