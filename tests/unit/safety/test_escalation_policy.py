"""The deadline policy is complete, parseable and refuses gaps."""

from __future__ import annotations

import copy
import tomllib
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import pytest

from withcare.domain.safety.errors import RuleSetError
from withcare.domain.safety.escalation_policy import (
    POLICY_FILE,
    Duration,
    Level,
    Urgency,
    default_policy,
    parse_policy,
)
from withcare.domain.safety.signals import Severity


def raw_policy() -> dict[str, Any]:
    text = resources.files("withcare.domain.safety").joinpath(POLICY_FILE).read_text("utf-8")
    return tomllib.loads(text)


def test_every_urgency_has_a_deadline_at_every_level() -> None:
    policy = default_policy()
    assert set(policy.acknowledge) == {(u, lvl) for u in Urgency for lvl in Level}
    assert set(policy.follow_up) == set(Urgency)


def test_defaults_match_the_issue() -> None:
    policy = default_policy()
    monday = datetime(2026, 1, 5, 9, tzinfo=UTC)
    assert policy.acknowledge_by(Urgency.HIGH, Level.NAMED_CLINICIAN, monday) == monday + timedelta(
        hours=1
    )
    assert policy.acknowledge_by(
        Urgency.MODERATE, Level.NAMED_CLINICIAN, monday
    ) == monday + timedelta(days=1)


def test_more_urgent_work_never_waits_longer_at_any_level() -> None:
    policy = default_policy()
    start = datetime(2026, 1, 9, 16, tzinfo=UTC)  # a Friday afternoon: the worst case
    ordered = sorted(Urgency, key=lambda urgency: -urgency.rank)
    for level in Level:
        deadlines = [policy.acknowledge_by(urgency, level, start) for urgency in ordered]
        assert deadlines == sorted(deadlines), level


def test_missing_deadline_is_refused() -> None:
    raw = copy.deepcopy(raw_policy())
    del raw["urgency"]["high"]["acknowledge"]["duty_clinician"]
    with pytest.raises(RuleSetError):
        parse_policy(raw)


@pytest.mark.parametrize("text", ["", "0h", "1 hour", "-1h", "1w", "h1"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Duration.parse(text)


def test_levels_climb_and_stop_at_the_top() -> None:
    assert Level.NAMED_CLINICIAN.next is Level.DUTY_CLINICIAN
    assert Level.DUTY_CLINICIAN.next is Level.SERVICE_MANAGER
    assert Level.SERVICE_MANAGER.next is Level.SERVICE_MANAGER


def test_signal_severities_map_to_urgencies() -> None:
    assert [Urgency.from_severity(s) for s in Severity] == [
        Urgency.LOW,
        Urgency.MODERATE,
        Urgency.HIGH,
    ]
