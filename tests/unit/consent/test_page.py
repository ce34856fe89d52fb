"""The consent page: one computed view of items, actions, history and what was already used."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from withcare.domain.consent import (
    Action,
    ConsentDecision,
    ConsentHistory,
    ConsentItem,
    DataFlow,
    DataStream,
    ItemStatus,
    Purpose,
    load_documents,
    record_decision,
)
from withcare.domain.consent.page import available_actions, consent_page

AT = datetime(2026, 2, 1, 12, tzinfo=UTC)
RESEARCH_SLEEP = ConsentItem(Purpose.RESEARCH, DataStream.SLEEP)


def test_page_lists_every_offered_item_in_the_persons_language() -> None:
    page = consent_page(ConsentHistory(), [], AT, "cy")
    assert {i.item for i in page.items} == set(load_documents().version(1).items)
    assert page.document_version == 1
    questionnaires = next(
        i
        for i in page.items
        if i.item == ConsentItem(Purpose.DIRECT_CARE, DataStream.QUESTIONNAIRES)
    )
    assert questionnaires.question.startswith("Eich gofal")
    assert questionnaires.actions == (Action.WITHDRAW,)
    assert page.change_note == "Fersiwn gyntaf."


def test_page_shows_history_and_what_was_used_before_withdrawal() -> None:
    history = record_decision(
        ConsentHistory(), ConsentDecision(RESEARCH_SLEEP, Action.GRANT, AT, 1)
    )
    withdrawn = AT + timedelta(days=5)
    history = record_decision(
        history, ConsentDecision(RESEARCH_SLEEP, Action.WITHDRAW, withdrawn, 1)
    )
    flows = [DataFlow(Purpose.RESEARCH, DataStream.SLEEP, AT + timedelta(days=2), "export 7")]
    page = consent_page(history, flows, withdrawn + timedelta(days=1), "en")
    (item,) = [i for i in page.items if i.item == RESEARCH_SLEEP]
    assert item.status is ItemStatus.WITHDRAWN
    assert item.actions == (Action.GRANT,)
    assert len(page.history) == 2
    (used,) = page.already_used
    assert [f.description for f in used.flows] == ["export 7"]


def test_to_answer_after_a_new_version_holds_the_changed_grants() -> None:
    history = record_decision(
        ConsentHistory(), ConsentDecision(RESEARCH_SLEEP, Action.GRANT, AT, 1)
    )
    page = consent_page(history, [], datetime(2026, 5, 1, tzinfo=UTC), "en")
    assert RESEARCH_SLEEP in {i.item for i in page.to_answer}
    assert page.document_version == 2


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(sorted(load_documents().version(1).items)),
    st.lists(st.sampled_from(list(Action)), max_size=6),
)
def test_every_offered_action_is_accepted_by_the_recording_rules(
    item: ConsentItem, actions: list[Action]
) -> None:
    history = ConsentHistory()
    for step, wanted in enumerate(actions):
        at = AT + timedelta(minutes=step)
        page = consent_page(history, [], at, "en")
        (shown,) = [i for i in page.items if i.item == item]
        assert shown.actions == available_actions(shown.status)
        for action in shown.actions:
            record_decision(history, ConsentDecision(item, action, at, 1))  # must not raise
        if wanted in shown.actions:
            history = record_decision(history, ConsentDecision(item, wanted, at, 1))
