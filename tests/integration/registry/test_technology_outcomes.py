"""Real-world outcomes of recommended technologies come from people's questionnaires (issue 6 <- 3).

Only people who agreed to population statistics are counted, and the registry suppresses small
numbers; the figures follow the NHS Talking Therapies definitions over PHQ-9 and GAD-7.
"""

from __future__ import annotations

import json
from datetime import timedelta

from withcare.db.models import MeasureAdministration, Person
from withcare.db.models.registry import RegistryRecommendation
from withcare.domain.consent import Action, ConsentItem, DataStream, Purpose
from withcare.domain.consent import Actor as DecidedBy
from withcare.domain.registry.outcomes import MIN_PEOPLE
from withcare_testing.world import World

STATISTICS = ConsentItem(Purpose.POPULATION_STATISTICS, DataStream.QUESTIONNAIRES)


def add_people(world: World, count: int, *, consent: bool, improve: bool) -> None:
    """People recommended Sleepio, each with two PHQ-9 and two GAD-7 scores."""
    clock = world.platform.clock
    first, last = (18, 6) if improve else (18, 17)  # a fall of >= 6 and below 10: recovered
    with world.platform.unit_of_work(None) as uow:
        service_id = uow.session.get(Person, world.person_id).service_id  # type: ignore[union-attr]
        for n in range(count):
            person = Person(
                service_id=service_id,
                given_name=f"O{n}",
                family_name="Synthetic",
                date_of_birth=clock.now().date(),
                created_at=clock.now(),
            )
            uow.session.add(person)
            uow.session.flush()
            uow.session.add(
                RegistryRecommendation(
                    technology_id="sleepio",
                    person_id=person.id,
                    clinician_id=world["clinician"].user_id,
                    recommended_at=clock.now(),
                )
            )
            for step, (phq9, gad7) in enumerate(((first, 15), (last, 5 if improve else 14))):
                at = clock.now() - timedelta(days=30 - step * 20)
                for instrument, total in (("phq9", phq9), ("gad7", gad7)):
                    uow.session.add(
                        MeasureAdministration(
                            person_id=person.id,
                            instrument_id=instrument,
                            mode="web",
                            status="submitted",
                            responses=json.dumps([]),
                            started_at=at,
                            updated_at=at,
                            completed_at=at,
                            submitted_at=at,
                            total=total,
                            valid=True,
                            risk_flag=False,
                            extras="{}",
                        )
                    )
            if consent:
                world.platform.consent.record(
                    uow,
                    person.id,
                    STATISTICS,
                    Action.GRANT,
                    decided_by=DecidedBy.SELF,
                    recorded_by="test",
                )


def test_consenting_people_with_scores_give_the_technology_an_outcome_summary(
    world: World,
) -> None:
    registry = world.platform.registry
    registry.load_seed()
    # both the improved and the not-improved groups must reach the threshold to be shown
    add_people(world, MIN_PEOPLE + 2, consent=True, improve=True)
    add_people(world, MIN_PEOPLE, consent=True, improve=False)
    world.platform.clock.advance(timedelta(seconds=1))  # type: ignore[attr-defined]
    summary = registry.technology(None, "sleepio").outcomes
    assert summary.enough_people
    assert summary.people == 2 * MIN_PEOPLE + 2
    assert summary.reliable_improvement.count == MIN_PEOPLE + 2
    assert summary.recovery.count == MIN_PEOPLE + 2


def test_people_without_consent_for_statistics_are_never_counted(world: World) -> None:
    registry = world.platform.registry
    registry.load_seed()
    add_people(world, MIN_PEOPLE + 5, consent=False, improve=True)
    summary = registry.technology(None, "sleepio").outcomes
    assert not summary.enough_people
    assert summary.people is None
