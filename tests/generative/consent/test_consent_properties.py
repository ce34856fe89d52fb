"""Property tests: random consent documents, histories and flow attempts.

A simulated service interleaves a person's decisions with attempts to use their data, asking the
policy point (with only the history known *at that moment*) before each flow. The properties:

* nothing flows for a purpose without consent at the time of the flow;
* a withdrawal or refusal takes effect from its moment, and later decisions never change the past;
* a new document version re-asks exactly the granted items whose wording changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from withcare.domain.consent import (
    Action,
    Actor,
    Basis,
    ConsentDecision,
    ConsentDocuments,
    ConsentHistory,
    ConsentItem,
    DataFlow,
    DataStream,
    InvalidConsentDecision,
    ItemStatus,
    Purpose,
    changed_items,
    check,
    consent_state,
    flows_without_consent,
    record_decision,
)
from withcare.domain.consent.documents import documents_from_mapping

ORIGIN = datetime(2026, 1, 1, tzinfo=UTC)
V2_FROM = ORIGIN + timedelta(days=30)
PURPOSES = list(Purpose)
STREAMS = list(DataStream)
ALL_ITEMS = [ConsentItem(p, s) for p in PURPOSES for s in STREAMS]


def _wording(tag: str) -> dict[str, str]:
    return {"title_en": tag, "title_cy": f"cy {tag}", "text_en": tag, "text_cy": f"cy {tag}"}


@st.composite
def documents(draw: st.DrawFn) -> ConsentDocuments:
    """Two versions; v2 rewords a random subset of purposes and streams."""
    offered = draw(st.sets(st.sampled_from(ALL_ITEMS), min_size=1, max_size=20))
    bases = {
        item: Basis.EXPLICIT
        if item.stream.is_passive_sensing
        else draw(st.sampled_from([Basis.EXPLICIT, *Basis]))
        for item in offered
    }
    reworded_p = draw(st.sets(st.sampled_from(PURPOSES)))
    reworded_s = draw(st.sets(st.sampled_from(STREAMS)))
    items = [
        {"purpose": i.purpose.value, "streams": [i.stream.value], "basis": b.value}
        for i, b in bases.items()
    ]
    v1: dict[str, Any] = {
        "number": 1,
        "effective_from": ORIGIN,
        "change_note_en": "first",
        "change_note_cy": "cyntaf",
        "purposes": {p.value: _wording(p.value) for p in PURPOSES},
        "streams": {s.value: _wording(s.value) for s in STREAMS},
        "items": items,
    }
    v2: dict[str, Any] = {
        "number": 2,
        "effective_from": V2_FROM,
        "change_note_en": "second",
        "change_note_cy": "ail",
        "purposes": {p.value: {"text_en": f"{p.value} v2"} for p in reworded_p},
        "streams": {s.value: {"text_cy": f"{s.value} v2"} for s in reworded_s},
    }
    return documents_from_mapping({"version": [v1, v2]})


@dataclass(frozen=True)
class Attempt:
    """Either a decision to record or a flow to try, at an offset in hours from ORIGIN."""

    hours: int
    item: ConsentItem
    action: Action | None  # None: a flow attempt
    version: int
    actor: Actor


def attempts(docs: ConsentDocuments, focus: list[ConsentItem]) -> st.SearchStrategy[list[Attempt]]:
    """Plans that mostly touch a few offered items, so grants, withdrawals and flows meet often."""
    return st.lists(
        st.builds(
            Attempt,
            hours=st.integers(min_value=-48, max_value=24 * 60),
            item=st.one_of(st.sampled_from(focus), st.sampled_from(ALL_ITEMS)),
            action=st.sampled_from([None, None, Action.GRANT, *Action]),
            version=st.sampled_from([1, 2]),
            actor=st.sampled_from([Actor.SELF, Actor.SELF, *Actor]),
        ),
        min_size=10,
        max_size=60,
        # At the same instant a decision counts first: it takes effect *from* its moment.
    ).map(lambda xs: sorted(xs, key=lambda a: (a.hours, a.action is None)))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[ConsentDocuments, list[Attempt]]:
    docs = draw(documents())
    offered = sorted(docs.latest.items)
    focus = draw(st.lists(st.sampled_from(offered), min_size=1, max_size=3))
    return docs, draw(attempts(docs, focus))


def simulate(docs: ConsentDocuments, plan: list[Attempt]) -> tuple[ConsentHistory, list[DataFlow]]:
    """Run the plan like a service would: decisions recorded, flows only when the policy allows."""
    history = ConsentHistory()
    flows: list[DataFlow] = []
    for attempt in plan:
        at = ORIGIN + timedelta(hours=attempt.hours)
        if attempt.action is None:
            if check(history, attempt.item.purpose, attempt.item.stream, at, docs).allowed:
                flows.append(DataFlow(attempt.item.purpose, attempt.item.stream, at))
            continue
        decision = ConsentDecision(attempt.item, attempt.action, at, attempt.version, attempt.actor)
        try:
            history = record_decision(history, decision, docs)
        except InvalidConsentDecision:
            continue
    return history, flows


@settings(max_examples=150, deadline=None)
@given(scenario=scenarios())
def test_no_data_flows_without_consent_at_the_time_of_the_flow(
    scenario: tuple[ConsentDocuments, list[Attempt]],
) -> None:
    docs, plan = scenario
    history, flows = simulate(docs, plan)
    # Judged afterwards with the whole history, every flow was still allowed at its time:
    assert flows_without_consent(history, flows, docs) == ()
    for flow in flows:
        current = docs.in_force_at(flow.at)
        assert current is not None
        assert current.offers(flow.item)
        basis = current.basis(flow.item)
        last = history.last_for(flow.item, flow.at)
        if basis is Basis.EXPLICIT:
            # An explicit item flows only on a standing grant given to the words now in force.
            assert last is not None
            assert last.action is Action.GRANT
            seen = docs.version(last.document_version)
            assert seen.fingerprint(flow.item) == current.fingerprint(flow.item)
        if basis is not Basis.LEGAL_DUTY and last is not None:
            assert last.action is Action.GRANT


@settings(max_examples=150, deadline=None)
@given(scenario=scenarios(), probe_hours=st.integers(min_value=0, max_value=24 * 8))
def test_a_withdrawal_or_refusal_takes_effect_from_its_moment_until_a_new_grant(
    scenario: tuple[ConsentDocuments, list[Attempt]], probe_hours: int
) -> None:
    docs, plan = scenario
    history, _ = simulate(docs, plan)
    decisions = list(history)
    for index, decision in enumerate(decisions):
        if decision.action is Action.GRANT:
            continue
        next_grant = next(
            (d.at for d in decisions[index + 1 :] if d.item == decision.item),
            None,
        )
        probe = decision.at + timedelta(hours=probe_hours)
        if next_grant is not None and probe >= next_grant:
            continue
        assert not check(history, decision.item.purpose, decision.item.stream, probe, docs)


@settings(max_examples=100, deadline=None)
@given(scenario=scenarios(), cut_hours=st.integers(min_value=-48, max_value=24 * 60))
def test_later_decisions_never_change_the_answer_for_an_earlier_moment(
    scenario: tuple[ConsentDocuments, list[Attempt]], cut_hours: int
) -> None:
    docs, plan = scenario
    history, _ = simulate(docs, plan)
    cut = ORIGIN + timedelta(hours=cut_hours)
    prefix = ConsentHistory(tuple(d for d in history if d.at <= cut))
    for item in ALL_ITEMS:
        full = check(history, item.purpose, item.stream, cut, docs)
        past = check(prefix, item.purpose, item.stream, cut, docs)
        assert full.status is past.status


@settings(max_examples=150, deadline=None)
@given(docs=documents(), data=st.data())
def test_a_new_version_reasks_exactly_the_granted_items_whose_words_changed(
    docs: ConsentDocuments, data: st.DataObject
) -> None:
    v1, v2 = docs.versions
    explicit_v1 = sorted(i for i, b in v1.items.items() if b is Basis.EXPLICIT)
    granted = data.draw(st.sets(st.sampled_from(explicit_v1))) if explicit_v1 else set()
    history = ConsentHistory()
    for item in sorted(granted):
        history = record_decision(
            history, ConsentDecision(item, Action.GRANT, ORIGIN + timedelta(days=1), 1), docs
        )
    after = consent_state(history, V2_FROM, docs)
    reasked = {i for i, s in after.items.items() if s.status is ItemStatus.NEEDS_REASKING}
    assert reasked == {i for i in granted if i in changed_items(v1, v2)}
    for item in granted - reasked:
        assert after.allows(item)
