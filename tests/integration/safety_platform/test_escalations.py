"""Safety in the platform on both databases: escalations open in the risk event's transaction,
deadlines by urgency, onward escalation on the controllable clock, the clinician workflow,
contact requests, free text, safety plans and oversight."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from withcare.clock import ControllableClock
from withcare.db.models import (
    EscalationEventRow,
    EscalationRow,
    MeasureAdministration,
    NotificationRow,
    RiskSignalRow,
    SafetyPlanVersionRow,
    User,
)
from withcare.domain.safety import SafetyPlan
from withcare.security.authorisation import AccessDenied, Actor
from withcare.services.errors import Conflict, InvalidInput
from withcare.services.events import RiskSignalRaised
from withcare.services.unit_of_work import actor_for
from withcare_testing.safety import add_safety_staff
from withcare_testing.world import World

PHQ9_ITEM9_TWO = [1, 1, 1, 1, 1, 1, 1, 1, 2]


def actor(world: World, key: str) -> Actor:
    with world.platform.unit_of_work(None) as uow:
        user = uow.session.get(User, world[key].user_id)
        assert user is not None
        return actor_for(uow.session, user)


def escalations(world: World) -> list[EscalationRow]:
    with world.platform.database.transaction() as session:
        return list(session.execute(select(EscalationRow)).scalars())


def outbox(world: World) -> list[NotificationRow]:
    with world.platform.database.transaction() as session:
        return list(
            session.execute(select(NotificationRow).order_by(NotificationRow.sequence)).scalars()
        )


def test_phq9_item9_opens_a_high_escalation_in_the_same_transaction(sworld: World) -> None:
    platform = sworld.platform
    person = actor(sworld, "person")
    outcome = platform.measures.submit(person, sworld.person_id, "phq9", PHQ9_ITEM9_TWO)
    assert outcome.shows_crisis_page
    [row] = escalations(sworld)
    assert (row.urgency, row.state, row.level) == ("high", "open", "named_clinician")
    assert row.assignee_id == sworld["clinician"].user_id
    assert row.deadline == platform.clock.now() + timedelta(hours=1)
    assert row.source == "instrument" and row.source_id == outcome.administration.id
    with platform.database.transaction() as session:
        signals = list(session.execute(select(RiskSignalRow)).scalars())
        events = list(session.execute(select(EscalationEventRow)).scalars())
    assert signals and all(s.escalation_id == row.id for s in signals)
    assert [e.kind for e in events] == ["raise"]
    notes = outbox(sworld)
    assert {(n.channel, n.recipient_id, n.status) for n in notes} == {
        ("in_app", sworld["clinician"].user_id, "pending"),
        ("email", sworld["clinician"].user_id, "pending"),
    }


def test_a_failure_after_the_signal_rolls_back_the_escalation_too(sworld: World) -> None:
    platform = sworld.platform
    from withcare.domain.safety import help_now_signal

    with pytest.raises(RuntimeError), platform.unit_of_work(None) as uow:
        platform.events.publish(
            uow, RiskSignalRaised(sworld.person_id, "help_now", "x1", (help_now_signal(),))
        )
        assert uow.session.execute(select(func.count(EscalationRow.id))).scalar_one() == 1
        raise RuntimeError("the publisher failed after publishing")
    assert escalations(sworld) == [] and outbox(sworld) == []
    with platform.database.transaction() as session:
        assert session.execute(select(func.count(MeasureAdministration.id))).scalar_one() == 0


def test_a_bare_risk_flag_without_rule_signals_is_still_acted_on_as_high(sworld: World) -> None:
    platform = sworld.platform
    with platform.unit_of_work(None) as uow:
        platform.events.publish(uow, RiskSignalRaised(sworld.person_id, "instrument", "a1", (9,)))
    [row] = escalations(sworld)
    assert row.urgency == "high"


def test_without_a_named_clinician_the_duty_clinician_owns_it(world: World) -> None:
    sworld = add_safety_staff(world, named=False)
    outcome = sworld.platform.safety.help_now(actor(sworld, "person"), sworld.person_id)
    assert outcome.shows_crisis_page and outcome.escalation_id
    [row] = escalations(sworld)
    assert (row.level, row.assignee_id) == ("duty_clinician", None)
    assert {n.recipient_id for n in outbox(sworld)} == {sworld["duty"].user_id}


def test_with_nobody_on_duty_the_manager_is_told_and_nothing_is_silently_dropped(
    world: World,
) -> None:
    sworld = add_safety_staff(world, named=False, duty=False)
    sworld.platform.safety.help_now(actor(sworld, "person"), sworld.person_id)
    assert {n.recipient_id for n in outbox(sworld)} == {sworld["manager"].user_id}


def test_further_signals_join_an_open_escalation_unless_more_urgent(sworld: World) -> None:
    platform = sworld.platform
    person = actor(sworld, "person")
    platform.safety.help_now(person, sworld.person_id)
    platform.safety.help_now(person, sworld.person_id)
    assert len(escalations(sworld)) == 1
    with platform.unit_of_work(None) as uow:
        low = platform.safety.check_text(uow, sworld.person_id, "note", "n1", "Ich bin müde", "de")
    assert low is not None
    assert len(escalations(sworld)) == 1  # low joins the open high escalation


def test_free_text_in_an_unsupported_language_opens_low_urgency_work(sworld: World) -> None:
    platform = sworld.platform
    with platform.unit_of_work(None) as uow:
        found = platform.safety.check_text(uow, sworld.person_id, "note", "n1", "Hola", "es")
        nothing = platform.safety.check_text(
            uow, sworld.person_id, "note", "n2", "This commute is killing me", "en"
        )
    assert found is not None and nothing is None
    [row] = escalations(sworld)
    assert row.urgency == "low" and row.source == "free_text"
    with platform.unit_of_work(None) as uow:
        platform.safety.check_text(
            uow, sworld.person_id, "message", "m1", "I want to kill myself tonight", "en"
        )
    assert sorted(r.urgency for r in escalations(sworld)) == ["high", "low"]
    with platform.database.transaction() as session:
        explanations = " ".join(session.execute(select(RiskSignalRow.explanation)).scalars())
    assert "kill myself" not in explanations


def test_unacknowledged_work_climbs_on_the_clock(sworld: World, clock: ControllableClock) -> None:
    platform = sworld.platform
    platform.safety.help_now(actor(sworld, "person"), sworld.person_id)
    assert platform.safety.escalate_overdue("w1") == 0
    clock.advance(timedelta(minutes=59))
    assert platform.safety.escalate_overdue("w1") == 0
    clock.advance(timedelta(minutes=1))
    assert platform.safety.escalate_overdue("w1") == 1
    [row] = escalations(sworld)
    assert (row.level, row.breaches, row.state) == ("duty_clinician", 1, "open")
    assert row.deadline == clock.now() + timedelta(minutes=30)
    duty = [n for n in outbox(sworld) if n.sequence == 2]
    assert {n.recipient_id for n in duty} == {sworld["duty"].user_id}
    assert {n.reason for n in duty} == {"escalated"}
    assert duty[0].overdue_since == clock.now()
    clock.advance(timedelta(minutes=30))
    assert platform.safety.escalate_overdue("w1") == 1
    [row] = escalations(sworld)
    assert row.level == "service_manager"
    assert {n.recipient_id for n in outbox(sworld) if n.sequence == 3} == {
        sworld["manager"].user_id
    }
    assert platform.safety.escalate_overdue("w1") == 0  # a fresh deadline: nothing doubled


def test_the_clinician_journey_and_its_audit_trail(sworld: World, clock: ControllableClock) -> None:
    safety = sworld.platform.safety
    safety.help_now(actor(sworld, "person"), sworld.person_id)
    clinician = actor(sworld, "clinician")
    [view] = safety.inbox(clinician)
    with pytest.raises(Conflict, match="Acknowledge this escalation first"):  # open work cannot
        safety.act(clinician, view.id, "close_with_outcome", outcome="safe_with_plan_in_place")
    clock.advance(timedelta(minutes=5))
    acknowledged = safety.act(clinician, view.id, "acknowledge", expected_version=1)
    assert acknowledged.state == "acknowledged" and acknowledged.acknowledged_at == clock.now()
    with pytest.raises(Conflict):  # a second clinician working from the old page
        safety.act(actor(sworld, "duty"), view.id, "acknowledge", expected_version=1)
    with pytest.raises(InvalidInput):
        safety.act(
            clinician, view.id, "close_with_outcome", outcome="safe_with_plan_in_place"
        )  # no action recorded yet
    safety.act(clinician, view.id, "record_action", action="called_the_person")
    closed = safety.act(clinician, view.id, "close_with_outcome", outcome="safe_with_plan_in_place")
    assert closed.state == "closed" and closed.outcome == "safe_with_plan_in_place"
    detail = safety.detail(clinician, view.id)
    assert [e.kind for e in detail.events] == [
        "raise",
        "acknowledge",
        "record_action",
        "close_with_outcome",
    ]
    assert safety.inbox(clinician) == []
    assert sworld.platform.safety.escalate_overdue("w1") == 0  # closed is never due
    with pytest.raises(Conflict, match="This escalation is closed, so it cannot be changed"):
        safety.act(clinician, view.id, "record_action", action="called_the_person")


def test_only_the_care_team_duty_rota_and_managers_may_act(sworld: World) -> None:
    safety = sworld.platform.safety
    outcome = safety.help_now(actor(sworld, "person"), sworld.person_id)
    assert outcome.escalation_id
    for who in ("outsider", "clinician_b"):
        with pytest.raises(AccessDenied):
            safety.detail(actor(sworld, who), outcome.escalation_id)
        assert safety.inbox(actor(sworld, who)) == []
    assert safety.inbox(actor(sworld, "duty"))  # the duty clinician is in the person's team
    for who in ("person", "researcher", "admin", "carer"):
        with pytest.raises(AccessDenied):
            safety.inbox(actor(sworld, who))
    assert safety.detail(actor(sworld, "manager"), outcome.escalation_id).escalation.id


def test_hand_over_needs_the_new_owner_to_acknowledge(sworld: World) -> None:
    safety = sworld.platform.safety
    outcome = safety.help_now(actor(sworld, "person"), sworld.person_id)
    assert outcome.escalation_id
    clinician = actor(sworld, "clinician")
    safety.act(clinician, outcome.escalation_id, "acknowledge")
    with pytest.raises(InvalidInput):
        safety.act(
            clinician, outcome.escalation_id, "hand_over", to_assignee=sworld["outsider"].user_id
        )
    handed = safety.act(
        clinician, outcome.escalation_id, "hand_over", to_assignee=sworld["duty"].user_id
    )
    assert (handed.state, handed.assignee_id) == ("open", sworld["duty"].user_id)
    assert {n.recipient_id for n in outbox(sworld) if n.reason == "handed_over"} == {
        sworld["duty"].user_id
    }


def test_talk_to_a_person_runs_through_the_same_machine(
    sworld: World, clock: ControllableClock
) -> None:
    safety = sworld.platform.safety
    person = actor(sworld, "person")
    with pytest.raises(InvalidInput):
        safety.request_contact(person, sworld.person_id, ["digital_self_help"], [])
    with pytest.raises(AccessDenied):
        safety.request_contact(actor(sworld, "other_person"), sworld.person_id, ["phone"], [])
    request = safety.request_contact(person, sworld.person_id, ["phone", "video"], ["morning"])
    assert request.status == "open" and request.response_target > clock.now()
    [row] = escalations(sworld)
    assert (row.urgency, row.kind) == ("contact_request", "contact_request")
    safety.act(actor(sworld, "clinician"), row.id, "acknowledge")
    [mine] = safety.person_safety(person, sworld.person_id).contact_requests
    assert mine.status == "acknowledged"


def test_the_persons_page_shows_open_escalations_and_recent_flags(sworld: World) -> None:
    platform = sworld.platform
    platform.measures.submit(actor(sworld, "person"), sworld.person_id, "phq9", PHQ9_ITEM9_TWO)
    view = platform.safety.person_safety(actor(sworld, "clinician"), sworld.person_id)
    assert len(view.open_escalations) == 1 and view.recent_signals
    with pytest.raises(AccessDenied):
        platform.safety.person_safety(actor(sworld, "clinician_b"), sworld.person_id)


def test_safety_plans_are_versioned_and_encrypted(sworld: World, clock: ControllableClock) -> None:
    safety = sworld.platform.safety
    clinician, person = actor(sworld, "clinician"), actor(sworld, "person")
    plan = SafetyPlan.of(
        warning_signs=["Not sleeping"],
        coping_strategies=["Walk the dog"],
        professionals_and_services=["Crisis team"],
    )
    assert safety.save_safety_plan(clinician, sworld.person_id, plan, agreed_with_person=True) == 1
    clock.advance(timedelta(minutes=1))
    with pytest.raises(InvalidInput):  # nothing changed
        safety.save_safety_plan(person, sworld.person_id, plan, agreed_with_person=True)
    changed = SafetyPlan.of(
        warning_signs=["Not sleeping", "Staying in"],
        coping_strategies=["Walk the dog"],
        professionals_and_services=["Crisis team"],
    )
    with pytest.raises(Conflict):  # editing from an old version never overwrites a newer one
        safety.save_safety_plan(
            person, sworld.person_id, changed, agreed_with_person=True, based_on=0
        )
    assert (
        safety.save_safety_plan(
            person, sworld.person_id, changed, agreed_with_person=True, based_on=1
        )
        == 2
    )
    view = safety.safety_plan(person, sworld.person_id)
    assert view.latest is not None and view.latest.number == 2
    assert [v.number for v in view.versions] == [1, 2] and view.changes
    assert (
        safety.safety_plan(clinician, sworld.person_id, 1).latest
        == safety.safety_plan(clinician, sworld.person_id, 1).latest
    )
    with sworld.platform.database.transaction() as session:
        stored = " ".join(
            session.execute(select(SafetyPlanVersionRow.sections_ciphertext)).scalars()
        )
    assert "Walk the dog" not in stored
    with pytest.raises(AccessDenied):
        safety.safety_plan(actor(sworld, "clinician_b"), sworld.person_id)


def test_oversight_counts_breaches_outcomes_and_time_to_acknowledge(
    sworld: World, clock: ControllableClock
) -> None:
    safety = sworld.platform.safety
    first = safety.help_now(actor(sworld, "person"), sworld.person_id).escalation_id
    assert first
    clock.advance(timedelta(minutes=10))
    clinician = actor(sworld, "clinician")
    safety.act(clinician, first, "acknowledge")
    safety.act(clinician, first, "record_action", action="called_the_person")
    safety.act(clinician, first, "close_with_outcome", outcome="reviewed_not_a_current_risk")
    safety.request_contact(actor(sworld, "person"), sworld.person_id, ["phone"], [])
    clock.advance(timedelta(days=5))
    safety.escalate_overdue("w1")
    safety.heartbeat("w1", clock.now(), 3)
    report = safety.oversight(actor(sworld, "manager"))
    assert report.summary.total == 2 and report.summary.missed_deadlines == 1
    assert report.by_outcome == [("reviewed_not_a_current_risk", 1)]
    assert report.median_ack_minutes == [("high", 10.0)]
    assert len(report.breached_open) == 1 and report.worker_alive
    assert report.closed_not_a_risk_by_rule
    clock.advance(timedelta(minutes=5))
    assert not sworld.platform.safety.oversight(actor(sworld, "manager")).worker_alive
    with pytest.raises(AccessDenied):
        safety.oversight(clinician)


def test_the_crisis_page_merges_service_contacts_and_never_fails(sworld: World) -> None:
    safety = sworld.platform.safety
    service_id = safety.service_of_person(sworld.person_id)
    safety.set_crisis_contact(
        actor(sworld, "manager"),
        service_id or "",
        {
            "id": "local_crisis_line",
            "order": 15,
            "kind": "phone",
            "number": "0800 000 1234",
            "href": "tel:08000001234",
            "name": {"en": "Local crisis line", "cy": "Llinell argyfwng leol"},
            "how": {"en": "Call free", "cy": "Ffoniwch am ddim"},
            "when": {"en": "Any time", "cy": "Unrhyw bryd"},
        },
    )
    page = safety.crisis_page("cy", service_id)
    assert page.language == "cy"
    numbers = [c.number for c in page.contacts]
    assert "999" in numbers and "0800 000 1234" in numbers
    assert safety.crisis_page("en", None).contacts[0].number == "999"
