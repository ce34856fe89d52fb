"""Deadlines by urgency and level, loaded from ``escalation_policy.toml`` (or a service's own).

Every deadline the state machine sets comes from here, so "how long may this wait?" has exactly one
answer, one file a clinical safety officer signs off.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from withcare.domain.safety.errors import RuleSetError
from withcare.domain.safety.signals import Severity
from withcare.domain.safety.working_days import WorkingCalendar

POLICY_FILE = "escalation_policy.toml"
_DURATION = re.compile(r"^([1-9][0-9]*)(m|h|d|wd)$")


class Urgency(StrEnum):
    """How fast a human must respond. Risk signals map from their severity; talk-to-a-person
    requests have their own, lowest, urgency."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    CONTACT_REQUEST = "contact_request"

    @property
    def rank(self) -> int:
        """Higher is more urgent: the inbox sorts on it."""
        return _URGENCY_RANK[self]

    @classmethod
    def from_severity(cls, severity: Severity) -> Urgency:
        return cls(severity.value)


_URGENCY_RANK = {
    Urgency.HIGH: 4,
    Urgency.MODERATE: 3,
    Urgency.LOW: 2,
    Urgency.CONTACT_REQUEST: 1,
}


class Level(StrEnum):
    """Who owns an escalation. Unacknowledged work moves up one level at each missed deadline."""

    NAMED_CLINICIAN = "named_clinician"
    DUTY_CLINICIAN = "duty_clinician"
    SERVICE_MANAGER = "service_manager"

    @property
    def next(self) -> Level:
        """The level above; the service manager is the top and stays responsible."""
        order = list(Level)
        return order[min(order.index(self) + 1, len(order) - 1)]


@dataclass(frozen=True, slots=True)
class Duration:
    amount: int
    unit: str

    @classmethod
    def parse(cls, text: str) -> Duration:
        found = _DURATION.match(text)
        if found is None:
            raise ValueError(f"bad duration {text!r}: use e.g. 30m, 1h, 2d or 1wd")
        return cls(int(found.group(1)), found.group(2))

    def after(self, moment: datetime, calendar: WorkingCalendar) -> datetime:
        if self.unit == "wd":
            return calendar.add_working_days(moment, self.amount)
        minutes = {"m": 1, "h": 60, "d": 24 * 60}[self.unit] * self.amount
        return moment + timedelta(minutes=minutes)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    version: str
    calendar: WorkingCalendar
    acknowledge: Mapping[tuple[Urgency, Level], Duration]
    follow_up: Mapping[Urgency, Duration]

    def acknowledge_by(self, urgency: Urgency, level: Level, moment: datetime) -> datetime:
        return self.acknowledge[(urgency, level)].after(moment, self.calendar)

    def follow_up_by(self, urgency: Urgency, moment: datetime) -> datetime:
        return self.follow_up[urgency].after(moment, self.calendar)


@cache
def default_policy() -> EscalationPolicy:
    data = resources.files("withcare.domain.safety").joinpath(POLICY_FILE).read_text("utf-8")
    return parse_policy(tomllib.loads(data))


def parse_policy(raw: Mapping[str, Any]) -> EscalationPolicy:
    """Build a policy, insisting on a deadline for every urgency at every level."""
    try:
        cal = raw["calendar"]
        calendar = WorkingCalendar(
            timezone=str(cal["timezone"]),
            working_weekdays=frozenset(int(day) for day in cal["working_weekdays"]),
            holidays=frozenset(date.fromisoformat(str(day)) for day in cal.get("holidays", [])),
            day_starts=time.fromisoformat(str(cal["day_starts"])),
        )
        acknowledge = {
            (urgency, level): Duration.parse(raw["urgency"][urgency.value]["acknowledge"][level])
            for urgency in Urgency
            for level in Level
        }
        follow_up = {
            urgency: Duration.parse(raw["urgency"][urgency.value]["follow_up"])
            for urgency in Urgency
        }
        return EscalationPolicy(str(raw["version"]), calendar, acknowledge, follow_up)
    except (KeyError, TypeError, ValueError) as error:
        raise RuleSetError(f"escalation policy is malformed or incomplete: {error!r}") from error
