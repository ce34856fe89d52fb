"""The demo has realistic questionnaire histories: improving, not improving, one recent risk answer."""

from __future__ import annotations

import json

from sqlalchemy import select

from withcare.db.models import MeasureAdministration, MeasureAssignment
from withcare.domain.measures import score
from withcare.services.demo import load_demo
from withcare.services.platform import Platform


def test_demo_people_have_phq9_and_gad7_histories(platform: Platform) -> None:
    with platform.unit_of_work(None) as uow:
        load_demo(uow, platform.accounts.create_user)
    with platform.unit_of_work(None) as uow:
        rows = list(uow.session.execute(select(MeasureAdministration)).scalars())
        assignments = list(uow.session.execute(select(MeasureAssignment)).scalars())
    people = {r.person_id for r in rows}
    assert len(people) >= 30
    assert {r.instrument_id for r in rows} == {"phq9", "gad7"}
    assert {r.mode for r in rows} >= {"web", "paper", "in_person"}
    assert assignments
    by_person: dict[str, list[MeasureAdministration]] = {}
    for row in sorted(rows, key=lambda r: r.completed_at or r.started_at):
        if row.instrument_id == "phq9":
            by_person.setdefault(row.person_id, []).append(row)
    changes = [(s[-1].total or 0) - (s[0].total or 0) for s in by_person.values() if len(s) > 1]
    assert any(c <= -6 for c in changes)  # some improve reliably
    assert any(c > -6 for c in changes)  # some do not
    risky = [s for s in by_person.values() if s[-1].risk_flag]
    assert len(risky) == 1
    for row in rows[:50]:
        expected = score(row.instrument_id, json.loads(row.responses))
        assert row.total == expected.total and row.severity == expected.severity
