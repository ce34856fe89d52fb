"""What flowed without consent, and what had been used before a withdrawal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from withcare.domain.consent import (
    Action,
    ConsentDecision,
    ConsentHistory,
    ConsentItem,
    DataFlow,
    DataStream,
    Purpose,
    flows_without_consent,
    record_decision,
    used_before_withdrawal,
)

START = datetime(2026, 2, 1, tzinfo=UTC)
ITEM = ConsentItem(Purpose.RESEARCH, DataStream.CHECK_INS)


def history_granted_then_withdrawn() -> ConsentHistory:
    history = record_decision(ConsentHistory(), ConsentDecision(ITEM, Action.GRANT, START, 1))
    return record_decision(
        history, ConsentDecision(ITEM, Action.WITHDRAW, START + timedelta(days=10), 1)
    )


def flow(days: int, description: str) -> DataFlow:
    return DataFlow(ITEM.purpose, ITEM.stream, START + timedelta(days=days), description)


def test_flows_after_withdrawal_are_reported_as_without_consent() -> None:
    history = history_granted_then_withdrawn()
    flows = [
        flow(-1, "too early"),
        flow(3, "export 1"),
        flow(10, "at withdrawal"),
        flow(11, "late"),
    ]
    bad = flows_without_consent(history, flows)
    assert [f.description for f in bad] == ["too early", "at withdrawal", "late"]


def test_used_before_withdrawal_lists_only_what_was_used_while_allowed() -> None:
    history = history_granted_then_withdrawn()
    other = DataFlow(Purpose.RESEARCH, DataStream.SLEEP, START + timedelta(days=2), "other item")
    flows = [flow(3, "export 1"), flow(7, "export 2"), flow(12, "after"), other]
    (report,) = used_before_withdrawal(history, flows, START + timedelta(days=30))
    assert report.withdrawal.action is Action.WITHDRAW
    assert [f.description for f in report.flows] == ["export 1", "export 2"]
    assert used_before_withdrawal(history, flows, START + timedelta(days=5)) == ()


def test_each_withdrawal_lists_only_its_own_period() -> None:
    history = history_granted_then_withdrawn()
    regrant = START + timedelta(days=20)
    history = record_decision(history, ConsentDecision(ITEM, Action.GRANT, regrant, 1))
    history = record_decision(
        history, ConsentDecision(ITEM, Action.WITHDRAW, regrant + timedelta(days=5), 1)
    )
    flows = [flow(3, "first period"), flow(22, "second period")]
    first, second = used_before_withdrawal(history, flows, START + timedelta(days=60))
    assert [f.description for f in first.flows] == ["first period"]
    assert [f.description for f in second.flows] == ["second period"]
