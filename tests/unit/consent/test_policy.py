"""The policy point: defaults, grants, refusals, withdrawals and re-versioning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from withcare.domain.consent import (
    PROXY_ACCESS,
    Action,
    Actor,
    ConsentDecision,
    ConsentHistory,
    ConsentItem,
    ConsentRequired,
    DataStream,
    InvalidConsentDecision,
    ItemStatus,
    Purpose,
    check,
    consent_state,
    load_documents,
    people_with_consent,
    record_decision,
    require,
)

V1_DAY = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
V2_DAY = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
RESEARCH_QUESTIONNAIRES = ConsentItem(Purpose.RESEARCH, DataStream.QUESTIONNAIRES)
CARE_LOCATION = ConsentItem(Purpose.DIRECT_CARE, DataStream.SMARTPHONE_LOCATION)
CARE_MOVEMENT = ConsentItem(Purpose.DIRECT_CARE, DataStream.MOVEMENT)


def decide(
    history: ConsentHistory,
    item: ConsentItem,
    action: Action,
    at: datetime,
    version: int = 1,
    actor: Actor = Actor.SELF,
) -> ConsentHistory:
    return record_decision(history, ConsentDecision(item, action, at, version, actor))


def test_questionnaires_for_direct_care_are_part_of_care_by_default() -> None:
    decision = check(ConsentHistory(), Purpose.DIRECT_CARE, DataStream.QUESTIONNAIRES, V1_DAY)
    assert decision.allowed
    assert decision.status is ItemStatus.IMPLIED


def test_questionnaires_for_direct_care_can_still_be_declined() -> None:
    item = ConsentItem(Purpose.DIRECT_CARE, DataStream.QUESTIONNAIRES)
    history = decide(ConsentHistory(), item, Action.REFUSE, V1_DAY)
    assert not check(history, Purpose.DIRECT_CARE, DataStream.QUESTIONNAIRES, V1_DAY).allowed


@pytest.mark.parametrize(
    "stream",
    [s for s in DataStream if s.is_passive_sensing],
)
def test_smartphone_sensing_always_needs_an_explicit_yes(stream: DataStream) -> None:
    for purpose in Purpose:
        assert not check(ConsentHistory(), purpose, stream, V1_DAY).allowed
    for document in load_documents().versions:
        for item, basis in document.items.items():
            if item.stream is stream:
                assert basis.value == "explicit", item


def test_research_needs_a_yes_and_require_names_purpose_stream_and_fix() -> None:
    with pytest.raises(ConsentRequired) as caught:
        require(ConsentHistory(), Purpose.RESEARCH, DataStream.QUESTIONNAIRES, V1_DAY)
    message = str(caught.value)
    assert "research" in message
    assert "questionnaires" in message
    assert "consent page" in message
    assert caught.value.status is ItemStatus.NOT_ASKED


def test_grant_then_withdraw_takes_effect_from_that_moment() -> None:
    withdrawn_at = V1_DAY + timedelta(days=3)
    history = decide(ConsentHistory(), RESEARCH_QUESTIONNAIRES, Action.GRANT, V1_DAY)
    history = decide(history, RESEARCH_QUESTIONNAIRES, Action.WITHDRAW, withdrawn_at)
    just_before = withdrawn_at - timedelta(microseconds=1)
    assert check(history, Purpose.RESEARCH, DataStream.QUESTIONNAIRES, just_before).allowed
    after = check(history, Purpose.RESEARCH, DataStream.QUESTIONNAIRES, withdrawn_at)
    assert not after.allowed
    assert after.status is ItemStatus.WITHDRAWN
    assert not check(history, Purpose.RESEARCH, DataStream.QUESTIONNAIRES, V1_DAY - timedelta(1))


def test_a_new_version_reasks_only_changed_items_the_person_had_granted() -> None:
    history = ConsentHistory()
    unchanged = ConsentItem(Purpose.POPULATION_STATISTICS, DataStream.QUESTIONNAIRES)
    for item in (RESEARCH_QUESTIONNAIRES, unchanged, CARE_LOCATION, CARE_MOVEMENT):
        history = decide(history, item, Action.GRANT, V1_DAY)
    refused_changed = ConsentItem(Purpose.RESEARCH, DataStream.SLEEP)
    history = decide(history, refused_changed, Action.REFUSE, V1_DAY)

    before = consent_state(history, V1_DAY)
    after = consent_state(history, V2_DAY)

    assert before.allows(RESEARCH_QUESTIONNAIRES)
    assert after.items[RESEARCH_QUESTIONNAIRES].status is ItemStatus.NEEDS_REASKING
    assert after.items[CARE_LOCATION].status is ItemStatus.NEEDS_REASKING
    assert after.allows(unchanged)
    assert after.allows(CARE_MOVEMENT)
    assert after.items[refused_changed].status is ItemStatus.REFUSED
    asked_again = set(after.to_ask) - set(before.to_ask)
    assert asked_again == {RESEARCH_QUESTIONNAIRES, CARE_LOCATION}


def test_granting_again_under_the_new_version_restores_consent() -> None:
    history = decide(ConsentHistory(), CARE_LOCATION, Action.GRANT, V1_DAY)
    history = decide(history, CARE_LOCATION, Action.GRANT, V2_DAY, version=2)
    assert check(history, Purpose.DIRECT_CARE, DataStream.SMARTPHONE_LOCATION, V2_DAY).allowed


def test_a_carer_can_act_only_while_proxy_access_is_allowed() -> None:
    with pytest.raises(InvalidConsentDecision, match="proxy access"):
        decide(ConsentHistory(), CARE_MOVEMENT, Action.GRANT, V1_DAY, actor=Actor.PROXY)
    history = decide(ConsentHistory(), PROXY_ACCESS, Action.GRANT, V1_DAY)
    history = decide(history, CARE_MOVEMENT, Action.GRANT, V1_DAY, actor=Actor.PROXY)
    assert check(history, Purpose.DIRECT_CARE, DataStream.MOVEMENT, V1_DAY).allowed
    history = decide(history, PROXY_ACCESS, Action.WITHDRAW, V1_DAY + timedelta(days=1))
    with pytest.raises(InvalidConsentDecision):
        decide(
            history, CARE_MOVEMENT, Action.WITHDRAW, V1_DAY + timedelta(days=2), actor=Actor.PROXY
        )


def test_a_carer_can_never_change_proxy_access_itself() -> None:
    history = decide(ConsentHistory(), PROXY_ACCESS, Action.GRANT, V1_DAY)
    with pytest.raises(InvalidConsentDecision, match="only the person"):
        decide(history, PROXY_ACCESS, Action.GRANT, V1_DAY, actor=Actor.PROXY)


def test_history_is_append_only_in_time() -> None:
    history = decide(ConsentHistory(), RESEARCH_QUESTIONNAIRES, Action.GRANT, V1_DAY)
    with pytest.raises(InvalidConsentDecision, match="forward"):
        decide(history, RESEARCH_QUESTIONNAIRES, Action.WITHDRAW, V1_DAY - timedelta(seconds=1))


def test_invalid_decisions_are_refused_with_a_reason() -> None:
    with pytest.raises(InvalidConsentDecision, match="nothing to withdraw"):
        decide(ConsentHistory(), RESEARCH_QUESTIONNAIRES, Action.WITHDRAW, V1_DAY)
    with pytest.raises(InvalidConsentDecision, match="not in force"):
        decide(ConsentHistory(), RESEARCH_QUESTIONNAIRES, Action.GRANT, V1_DAY, version=2)
    with pytest.raises(InvalidConsentDecision, match="does not exist"):
        decide(ConsentHistory(), RESEARCH_QUESTIONNAIRES, Action.GRANT, V1_DAY, version=99)
    with pytest.raises(InvalidConsentDecision, match="does not ask"):
        decide(
            ConsentHistory(),
            ConsentItem(Purpose.RESEARCH, DataStream.MESSAGES),
            Action.GRANT,
            V1_DAY,
        )
    contacts = ConsentItem(Purpose.DIRECT_CARE, DataStream.CARE_CONTACTS)
    with pytest.raises(InvalidConsentDecision, match="law"):
        decide(ConsentHistory(), contacts, Action.REFUSE, V1_DAY)


def test_items_not_offered_are_refused_by_the_policy_point() -> None:
    decision = check(ConsentHistory(), Purpose.RESEARCH, DataStream.MESSAGES, V1_DAY)
    assert decision.status is ItemStatus.NOT_OFFERED
    before_any_document = datetime(2025, 1, 1, tzinfo=UTC)
    assert not check(
        ConsentHistory(), Purpose.DIRECT_CARE, DataStream.QUESTIONNAIRES, before_any_document
    )


def test_people_with_consent_excludes_people_from_the_moment_they_withdraw() -> None:
    stays = decide(ConsentHistory(), RESEARCH_QUESTIONNAIRES, Action.GRANT, V1_DAY)
    leaves = decide(stays, RESEARCH_QUESTIONNAIRES, Action.WITHDRAW, V1_DAY + timedelta(days=1))
    histories = {"a": stays, "b": leaves, "c": ConsentHistory()}
    streams = [DataStream.QUESTIONNAIRES]
    assert people_with_consent(histories, Purpose.RESEARCH, streams, V1_DAY) == {"a", "b"}
    later = V1_DAY + timedelta(days=2)
    assert people_with_consent(histories, Purpose.RESEARCH, streams, later) == {"a"}
