"""Random consent histories and operations through ``ConsentService`` on both databases: no
``data_flows`` row ever exists for a purpose and stream without consent at its time (issue 5)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from withcare.clock import ControllableClock
from withcare.db.models import DataFlowRow, Person
from withcare.domain.consent import (
    PROXY_ACCESS,
    Action,
    ConsentItem,
    ConsentRequired,
    DataFlow,
    DataStream,
    InvalidConsentDecision,
    Purpose,
    check,
    flows_without_consent,
    load_documents,
)
from withcare.domain.consent import Actor as DecidedBy
from withcare_testing.world import World

ITEMS = sorted(load_documents().latest.items)
item = st.sampled_from(ITEMS)
decide = st.tuples(
    st.just("decide"),
    item,
    st.sampled_from(list(Action)),
    st.sampled_from([DecidedBy.SELF, DecidedBy.PROXY, DecidedBy.STAFF_ON_BEHALF]),
)
flow = st.tuples(st.just("flow"), item, st.none(), st.none())
step = st.tuples(st.one_of(decide, flow), st.sampled_from([0, 0, 1, 3600, 86400 * 40]))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_no_flow_without_consent_at_its_time(
    world: World, clock: ControllableClock, steps: list[tuple[tuple[object, ...], int]]
) -> None:
    platform = world.platform
    consent = platform.consent
    with platform.unit_of_work(None) as uow:
        service_id = uow.session.execute(select(Person.service_id)).scalars().first()
        assert service_id is not None
        person = Person(
            service_id=service_id,
            given_name="P",
            family_name="Q",
            date_of_birth=date(1990, 1, 1),
            created_at=clock.now(),
        )
        uow.session.add(person)
        uow.session.flush()
        person_id = person.id
    for (kind, chosen, action, by), wait in steps:
        assert isinstance(chosen, ConsentItem)
        clock.advance(timedelta(seconds=wait))
        if kind == "decide":
            assert isinstance(action, Action) and isinstance(by, DecidedBy)
            try:
                with platform.unit_of_work(None) as uow:
                    consent.record(uow, person_id, chosen, action, decided_by=by, recorded_by="t")
            except (InvalidConsentDecision, ValueError):
                continue
        else:
            try:
                with platform.unit_of_work(None) as uow:
                    consent.require_flow(uow, person_id, chosen.purpose, chosen.stream, "test")
            except ConsentRequired:
                continue
    with platform.unit_of_work(None) as uow:
        history = consent.history(uow, person_id)
        rows = list(
            uow.session.execute(
                select(DataFlowRow).where(DataFlowRow.person_id == person_id)
            ).scalars()
        )
    flows = [DataFlow(Purpose(r.purpose), DataStream(r.stream), r.at) for r in rows]
    assert flows_without_consent(history, flows) == ()
    for f in flows:  # and, said directly: every recorded flow was allowed at its time
        assert check(history, f.purpose, f.stream, f.at).allowed
    assert all(d.item != PROXY_ACCESS or d.actor is not DecidedBy.PROXY for d in history)


def test_the_generator_reaches_both_outcomes() -> None:
    """Sanity: the items include implied ones (flows happen) and explicit ones (flows refused)."""
    bases = {load_documents().latest.basis(i).value for i in ITEMS}
    assert {"implied", "explicit"} <= bases
    pytest.importorskip("hypothesis")


def test_a_decision_in_the_instant_of_a_flow_does_not_rewrite_that_flow(world: World) -> None:
    """Found by the property above: a flow, then a refusal in the same clock instant."""
    consent = world.platform.consent
    item = ConsentItem(Purpose.DIRECT_CARE, DataStream.CHECK_INS)
    with world.platform.unit_of_work(None) as uow:
        consent.require_flow(uow, world.person_id, item.purpose, item.stream, "check-in")
    with world.platform.unit_of_work(None) as uow:
        consent.record(
            uow, world.person_id, item, Action.REFUSE, decided_by=DecidedBy.SELF, recorded_by="t"
        )
    with world.platform.unit_of_work(None) as uow:
        history = consent.history(uow, world.person_id)
        flows = consent.flows(uow, world.person_id)
    assert len(flows) == 1 and flows_without_consent(history, flows) == ()
    with pytest.raises(ConsentRequired), world.platform.unit_of_work(None) as uow:
        consent.require_flow(uow, world.person_id, item.purpose, item.stream)
