"""Synthetic PHQ-9 and GAD-7 histories and assignments for the demo people."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from withcare.db.models import Episode, MeasureAdministration, MeasureAssignment, Person
from withcare.domain.measures import score
from withcare.domain.measures.examples import responses_for_total
from withcare.services.measures.vocabulary import SUBMITTED, Mode, Schedule
from withcare.services.unit_of_work import UnitOfWork

DEMO_SEED = 31415


def seed_demo_measures(uow: UnitOfWork) -> None:
    """Realistic PHQ-9 and GAD-7 histories for the demo people (synthetic answers only).

    Most improve over their course, some do not and a few get worse; one person answered PHQ-9
    item 9 above zero at their latest administration (no event is published for demo data: it is
    history, and the safety seed decides its own escalations). Every demo person in an open episode
    also has a weekly PHQ-9 and GAD-7 assigned, so "Things to do" shows something.
    """
    rng = random.Random(DEMO_SEED)
    now = uow.clock.now()
    people = list(
        uow.session.execute(select(Person).order_by(Person.created_at, Person.id)).scalars()
    )
    risky_done = False
    for index, person in enumerate(people):
        episode = (
            uow.session.execute(
                select(Episode)
                .where(Episode.person_id == person.id)
                .order_by(Episode.referral_date.desc())
            )
            .scalars()
            .first()
        )
        if episode is None or episode.start_date is None:
            continue
        clinician = episode.named_clinician_id
        if clinician is None:
            continue
        start = datetime.combine(episode.start_date, time(10, 0), tzinfo=UTC)
        stop = (
            datetime.combine(episode.end_date, time(10, 0), tzinfo=UTC) if episode.end_date else now
        )
        sessions = max(1, min(10, (stop - start).days // 14 + 1))
        kind = rng.choices(["improving", "flat", "worse"], weights=[6, 3, 1])[0]
        phq_start = rng.randint(10, 24)
        gad_start = rng.randint(8, 19)
        for session in range(sessions):
            at = start + timedelta(days=14 * session, hours=rng.randint(0, 6))
            if at > now:
                break
            progress = session / max(1, sessions - 1)
            if kind == "improving":
                phq = phq_start - progress * rng.uniform(6, phq_start - 2)
                gad = gad_start - progress * rng.uniform(4, gad_start - 1)
            elif kind == "worse":
                phq = phq_start + progress * rng.uniform(3, 8)
                gad = gad_start + progress * rng.uniform(2, 5)
            else:
                phq = phq_start + rng.uniform(-3, 3)
                gad = gad_start + rng.uniform(-2, 2)
            # at most 24: above that the example answers would need PHQ-9 item 9
            phq_total = max(0, min(24, round(phq + rng.uniform(-1.5, 1.5))))
            gad_total = max(0, min(21, round(gad + rng.uniform(-1, 1))))
            phq_items: list[int] = responses_for_total("phq9", phq_total)
            last = session == sessions - 1
            if last and not risky_done and index >= 3 and kind != "improving" and phq_total >= 12:
                # one person's most recent PHQ-9 has item 9 above zero
                phq_items = _with_item9(phq_items)
                risky_done = True
            mode = rng.choices(
                [Mode.WEB, Mode.PAPER, Mode.PHONE, Mode.IN_PERSON], weights=[6, 1, 1, 2]
            )[0]
            for instrument_id, items in (
                ("phq9", phq_items),
                ("gad7", responses_for_total("gad7", gad_total)),
            ):
                _demo_administration(uow, person.id, instrument_id, items, mode, at, clinician)
        if episode.end_date is None:
            for instrument_id in ("phq9", "gad7"):
                uow.session.add(
                    MeasureAssignment(
                        person_id=person.id,
                        instrument_id=instrument_id,
                        schedule=Schedule.WEEKLY.value,
                        window_days=3,
                        next_due_at=now - timedelta(days=rng.randint(0, 2), hours=1),
                        reminders=True,
                        assigned_by_id=clinician,
                        assigned_at=start,
                    )
                )
    uow.session.flush()


def _with_item9(items: list[int]) -> list[int]:
    """Move one point onto PHQ-9 item 9 (same total)."""
    changed = list(items)
    for index in range(8):
        if changed[index] > 0:
            changed[index] -= 1
            changed[8] += 1
            break
    return changed


def _demo_administration(
    uow: UnitOfWork,
    person_id: str,
    instrument_id: str,
    items: list[int],
    mode: Mode,
    at: datetime,
    clinician: str,
) -> None:
    result = score(instrument_id, items)
    uow.session.add(
        MeasureAdministration(
            person_id=person_id,
            instrument_id=instrument_id,
            mode=mode.value,
            status=SUBMITTED,
            responses=json.dumps(list(result.item_scores)),
            entered_by_id=None if mode is Mode.WEB else clinician,
            started_at=at,
            updated_at=at,
            completed_at=at,
            submitted_at=at,
            total=None if result.total is None else float(result.total),
            severity=result.severity,
            valid=result.valid,
            risk_flag=result.risk_flag,
            extras=json.dumps(
                {
                    "errors": list(result.errors),
                    "risk_items": list(result.risk_items),
                    "subscales": dict(result.subscales),
                    "derived": dict(result.extras),
                }
            ),
        )
    )
