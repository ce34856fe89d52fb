"""Measures in the platform against both databases: licences, windows, drafts, scoring, risk, consent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from sqlalchemy import select

from withcare.clock import ControllableClock
from withcare.db.models import AuditEvent, MeasureAdministration, User
from withcare.domain.consent import Action, ConsentItem, ConsentRequired, DataStream, Purpose
from withcare.domain.consent import Actor as DecidedBy
from withcare.domain.measures import score
from withcare.domain.measures.examples import responses_for_total
from withcare.security.authorisation import AccessDenied, Actor
from withcare.services.errors import InvalidInput
from withcare.services.events import RiskSignalRaised
from withcare.services.unit_of_work import UnitOfWork, actor_for
from withcare_testing.world import World


def actor(world: World, key: str) -> Actor:
    with world.platform.unit_of_work(None) as uow:
        user = uow.session.get(User, world[key].user_id)
        assert user is not None
        return actor_for(uow.session, user)


def test_licence_restricted_instruments_wait_for_an_admin(world: World) -> None:
    measures = world.platform.measures
    clinician, admin = actor(world, "clinician"), actor(world, "admin")
    with pytest.raises(InvalidInput) as refused:
        measures.assign(clinician, world.person_id, "wemwbs")
    assert "licence" in refused.value.problems["instrument_id"]
    with pytest.raises(AccessDenied):
        measures.record_licence(clinician, "wemwbs", "REF-1")
    measures.record_licence(admin, "wemwbs", "WEMWBS registration 2026-001")
    assigned = measures.assign(clinician, world.person_id, "wemwbs")
    assert assigned.instrument_id == "wemwbs"
    summary = {i.id: i for i in measures.instruments(admin)}
    assert summary["wemwbs"].licence_recorded and summary["swemwbs"].blocked_reason


def test_windows_open_and_expire(world: World, clock: ControllableClock) -> None:
    measures = world.platform.measures
    clinician, person = actor(world, "clinician"), actor(world, "person")
    measures.assign(clinician, world.person_id, "phq9", window_days=3)
    measures.assign(clinician, world.person_id, "gad7", schedule="weekly", window_days=2)
    assert {d.instrument_id for d in measures.due(person, world.person_id)} == {"phq9", "gad7"}
    clock.advance(timedelta(days=2, hours=1))
    assert {d.instrument_id for d in measures.due(person, world.person_id)} == {"phq9"}
    clock.advance(timedelta(days=1))
    assert measures.due(person, world.person_id) == []  # PHQ-9 expired, GAD-7 not reopened yet
    clock.advance(timedelta(days=4))
    assert {d.instrument_id for d in measures.due(person, world.person_id)} == {"gad7"}
    measures.submit(person, world.person_id, "gad7", responses_for_total("gad7", 5))
    assert measures.due(person, world.person_id) != []  # submitted without the assignment id
    due = measures.due(person, world.person_id)[0]
    measures.submit(person, world.person_id, "gad7", [0] * 7, assignment_id=due.assignment_id)
    assert measures.due(person, world.person_id) == []


def test_draft_and_return_then_submit_stores_the_domain_score(world: World) -> None:
    measures = world.platform.measures
    clinician, person = actor(world, "clinician"), actor(world, "person")
    assignment = measures.assign(clinician, world.person_id, "phq9")
    measures.save_draft(
        person, world.person_id, "phq9", [1, 2, None, 3], assignment_id=assignment.id
    )
    _, due, saved = measures.form(person, world.person_id, "phq9")
    assert due is not None and due.draft_id is not None
    assert saved == [1, 2, None, 3, None, None, None, None, None]
    answers = [1, 2, 1, 3, 2, 1, 0, 2, 0]
    outcome = measures.submit(person, world.person_id, "phq9", answers, assignment_id=assignment.id)
    expected = score("phq9", answers)
    view = outcome.administration
    assert view.id == due.draft_id  # the draft became the administration
    assert (view.total, view.severity, view.valid, view.risk_flag) == (
        expected.total,
        expected.severity,
        expected.valid,
        expected.risk_flag,
    )
    assert not outcome.risk_signalled
    with world.platform.unit_of_work(None) as uow:
        row = uow.session.get(MeasureAdministration, view.id)
        assert row is not None and row.status == "submitted" and row.mode == "web"
        actions = set(
            uow.session.execute(
                select(AuditEvent.action).where(AuditEvent.subject_id == view.id)
            ).scalars()
        )
    assert {"measure_administration.draft", "measure_administration.submit"} <= actions


def test_invalid_answers_are_refused_naming_the_item(world: World) -> None:
    person = actor(world, "person")
    with pytest.raises(InvalidInput) as refused:
        world.platform.measures.submit(person, world.person_id, "gad7", [1, None, None, 2, 3, 1, 7])
    assert "item_7" in refused.value.problems
    with pytest.raises(InvalidInput) as refused:
        world.platform.measures.submit(person, world.person_id, "gad7", [1, None, 1, 2, 3, 1, 0])
    assert set(refused.value.problems) == {"item_2"}


def test_a_risk_answer_is_published_once_inside_the_transaction(world: World) -> None:
    received: list[tuple[RiskSignalRaised, bool]] = []

    def recorder(uow: UnitOfWork, event: RiskSignalRaised) -> None:
        stored = uow.session.get(MeasureAdministration, event.source_id)
        received.append((event, stored is not None))

    world.platform.events.subscribe(RiskSignalRaised, recorder)
    person = actor(world, "person")
    answers = [0, 0, 0, 0, 0, 0, 0, 0, 2]
    outcome = world.platform.measures.submit(person, world.person_id, "phq9", answers)
    assert outcome.risk_signalled and outcome.shows_crisis_page
    assert len(received) == 1
    event, visible_in_transaction = received[0]
    assert visible_in_transaction
    assert event.person_id == world.person_id and event.source == "instrument"
    assert event.source_id == outcome.administration.id and event.signals


def test_an_incomplete_form_with_a_risk_answer_is_kept_and_signalled(world: World) -> None:
    received: list[RiskSignalRaised] = []
    world.platform.events.subscribe(RiskSignalRaised, lambda uow, e: received.append(e))
    person = actor(world, "person")
    answers = [None, None, None, None, 0, 0, 0, 0, 1]
    outcome = world.platform.measures.submit(person, world.person_id, "phq9", answers)
    assert outcome.administration.valid is False and outcome.administration.risk_flag
    assert len(received) == 1


def test_a_failing_subscriber_rolls_the_answers_back(world: World) -> None:
    def broken(uow: UnitOfWork, event: RiskSignalRaised) -> None:
        raise RuntimeError("safety is down")

    world.platform.events.subscribe(RiskSignalRaised, broken)
    person = actor(world, "person")
    with pytest.raises(RuntimeError):
        world.platform.measures.submit(person, world.person_id, "phq9", [0] * 8 + [3])
    with world.platform.unit_of_work(None) as uow:
        assert uow.session.execute(select(MeasureAdministration.id)).first() is None


def test_declined_consent_stops_collection(world: World, clock: ControllableClock) -> None:
    person = actor(world, "person")
    with world.platform.unit_of_work(None) as uow:
        world.platform.consent.record(
            uow,
            world.person_id,
            ConsentItem(Purpose.DIRECT_CARE, DataStream.QUESTIONNAIRES),
            Action.REFUSE,
            decided_by=DecidedBy.SELF,
            recorded_by=world["person"].user_id,
        )
    clock.advance(timedelta(minutes=1))
    with pytest.raises(ConsentRequired):
        world.platform.measures.submit(person, world.person_id, "phq9", [0] * 9)
    with pytest.raises(ConsentRequired):
        world.platform.measures.save_draft(person, world.person_id, "phq9", [0])
    assert world.platform.measures.due(person, world.person_id) == []


def test_staff_entry_records_the_mode_and_relationships_hold(world: World) -> None:
    measures = world.platform.measures
    clinician = actor(world, "clinician")
    answers = responses_for_total("phq9", 14)
    outcome = measures.submit(
        clinician,
        world.person_id,
        "phq9",
        answers,
        mode="paper",
        completed_at=world.platform.clock.now() - timedelta(days=1),
    )
    assert outcome.administration.mode == "paper"
    assert outcome.administration.entered_by_id == world["clinician"].user_id
    with pytest.raises(AccessDenied):
        measures.submit(actor(world, "clinician_b"), world.person_id, "phq9", answers, mode="phone")
    with pytest.raises(AccessDenied):
        measures.submit(actor(world, "person"), world.person_id, "phq9", answers, mode="paper")
    with pytest.raises(AccessDenied):
        measures.overview(actor(world, "carer"), world.person_id)  # no view_measures scope


def test_trends_course_outcome_and_fhir(world: World, clock: ControllableClock) -> None:
    measures = world.platform.measures
    person = actor(world, "person")
    for phq, gad in ((18, 14), (12, 10), (7, 6)):
        measures.submit(person, world.person_id, "phq9", responses_for_total("phq9", phq))
        measures.submit(person, world.person_id, "gad7", responses_for_total("gad7", gad))
        clock.advance(timedelta(days=14))
    overview = measures.overview(actor(world, "clinician"), world.person_id)
    phq9 = next(t for t in overview.trends if t.instrument_id == "phq9")
    assert [p.total for p in phq9.points] == [18, 12, 7]
    assert [p.change for p in phq9.points] == [None, "improved", "recovered"]
    assert overview.course.outcome is not None and overview.course.outcome.reliable_recovery
    bundle = measures.fhir_bundle(person, world.person_id, "https://example.test/fhir")
    assert len(bundle["entry"]) == 12
    first = overview.recent[-1]
    response = measures.fhir_response(person, world.person_id, first.id, "https://x.test/fhir")
    QuestionnaireResponse.model_validate(response)
    imported = measures.import_fhir_response(person, world.person_id, response)
    assert imported.administration.total == first.total
    assert imported.administration.mode == "fhir"


def test_reminders_once_per_window_and_snooze(world: World, clock: ControllableClock) -> None:
    measures = world.platform.measures
    clinician, person = actor(world, "clinician"), actor(world, "person")
    assignment = measures.assign(clinician, world.person_id, "phq9", window_days=5)
    assert [r.assignment_id for r in measures.reminders_due()] == [assignment.id]
    assert measures.reminders_due() == []
    measures.remind_later(person, world.person_id, assignment.id)
    clock.advance(timedelta(hours=12))
    assert measures.reminders_due() == []
    clock.advance(timedelta(hours=13))
    assert [r.assignment_id for r in measures.reminders_due()] == [assignment.id]


def test_a_carer_reads_measures_only_with_the_view_measures_scope(world: World) -> None:
    from withcare.db.models import ProxyGrant

    person = actor(world, "person")
    world.platform.measures.submit(person, world.person_id, "gad7", [1] * 7)
    with pytest.raises(AccessDenied):
        world.platform.measures.overview(actor(world, "carer"), world.person_id)
    with world.platform.unit_of_work(None) as uow:
        grant = uow.session.execute(
            select(ProxyGrant).where(ProxyGrant.person_id == world.person_id)
        ).scalar_one()
        grant.scopes = "view_record view_measures"
    carer = actor(world, "carer")
    overview = world.platform.measures.overview(carer, world.person_id)
    assert [t.instrument_id for t in overview.trends] == ["gad7"]
    with pytest.raises(AccessDenied):
        world.platform.measures.submit(carer, world.person_id, "gad7", [1] * 7)


def test_people_answer_licensed_instruments_only_when_assigned(world: World) -> None:
    person = actor(world, "person")
    with pytest.raises(InvalidInput, match="licence"):
        world.platform.measures.submit(person, world.person_id, "swemwbs", [3] * 7)
    with pytest.raises(InvalidInput, match="licence"):
        world.platform.measures.form(person, world.person_id, "swemwbs")
    world.platform.measures.record_licence(actor(world, "admin"), "swemwbs", "REF-7")
    outcome = world.platform.measures.submit(person, world.person_id, "swemwbs", [3] * 7)
    assert outcome.administration.extras["swemwbs_metric"] is not None


def test_every_session_reopens_at_the_next_contact(world: World, clock: ControllableClock) -> None:
    measures = world.platform.measures
    clinician, person = actor(world, "clinician"), actor(world, "person")
    assignment = measures.assign(clinician, world.person_id, "phq9", schedule="every_session")
    measures.submit(person, world.person_id, "phq9", [0] * 9, assignment_id=assignment.id)
    assert measures.due(person, world.person_id) == []
    clock.advance(timedelta(days=10))
    assert measures.due(person, world.person_id) == []  # no session since
    world.platform.care.record_contact(
        clinician,
        world.person_id,
        occurred_at=clock.now() - timedelta(hours=1),
        mode="phone",
        duration_minutes=30,
    )
    assert [d.assignment_id for d in measures.due(person, world.person_id)] == [assignment.id]
