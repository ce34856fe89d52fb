"""Safety plans: structured, validated, versioned, comparable.

The sections follow the Safety Planning Intervention (Stanley & Brown 2012, Cognitive and Behavioral
Practice 19:256-264) in its order, from noticing a crisis coming to the reasons to get through it.
A plan is made together by the person and a clinician; every saved change is a new numbered version,
so either of them can see what changed and when (:func:`diff_plans`).

Limits keep the plan readable on a phone and printable on one or two pages. Three sections are
required because without them the plan cannot do its job: what to notice, what to do, whom to call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from withcare.domain.safety.errors import PlanUnchangedError, SafetyPlanError
from withcare.messages import N_

SCHEMA_VERSION = 1
MAX_ENTRY_CHARS = 300
MAX_CONTACT_CHARS = 40
MAX_ENTRIES_PER_SECTION = 15
_CONTACT = re.compile(r"^\+?[0-9][0-9 ()\-]{2,}$")


class Section(StrEnum):
    WARNING_SIGNS = "warning_signs"
    COPING_STRATEGIES = "coping_strategies"
    PEOPLE_AND_PLACES = "people_and_places_that_help"
    PEOPLE_TO_ASK_FOR_HELP = "people_to_ask_for_help"
    PROFESSIONALS_AND_SERVICES = "professionals_and_services"
    MAKING_ENVIRONMENT_SAFER = "making_the_environment_safer"
    REASONS_FOR_LIVING = "reasons_for_living"

    @property
    def takes_contacts(self) -> bool:
        """Only the sections about whom to call hold phone numbers."""
        return self in (Section.PEOPLE_TO_ASK_FOR_HELP, Section.PROFESSIONALS_AND_SERVICES)

    @property
    def required(self) -> bool:
        return self in REQUIRED_SECTIONS


REQUIRED_SECTIONS = frozenset(
    {Section.WARNING_SIGNS, Section.COPING_STRATEGIES, Section.PROFESSIONALS_AND_SERVICES}
)


class ProblemCode(StrEnum):
    REQUIRED_SECTION_EMPTY = "required_section_empty"
    EMPTY_ENTRY = "empty_entry"
    ENTRY_TOO_LONG = "entry_too_long"
    TOO_MANY_ENTRIES = "too_many_entries"
    DUPLICATE_ENTRY = "duplicate_entry"
    CONTACT_NOT_ALLOWED = "contact_not_allowed"
    CONTACT_INVALID = "contact_invalid"


@dataclass(frozen=True, slots=True)
class PlanEntry:
    text: str
    contact: str | None = None  # a phone number, only in the "whom to call" sections


@dataclass(frozen=True, slots=True)
class Problem:
    """A validation problem a form can show next to the field it concerns."""

    section: Section
    index: int | None  # entry position, None for the whole section
    code: ProblemCode
    message: str  # a catalogue msgid; its values come from PROBLEM_PARAMS


#: The values the problem messages refer to, the same for every problem.
PROBLEM_PARAMS: Mapping[str, int] = {
    "max_entries": MAX_ENTRIES_PER_SECTION,
    "max_chars": MAX_ENTRY_CHARS,
}


@dataclass(frozen=True)
class SafetyPlan:
    sections: Mapping[Section, tuple[PlanEntry, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, **entries: Iterable[PlanEntry | str]) -> SafetyPlan:
        """Build from section names: ``SafetyPlan.of(warning_signs=["..."], ...)``.

        Text is trimmed, so stray spaces from a form never count as a change.
        """
        sections = {}
        for name, items in entries.items():
            section = Section(name)
            sections[section] = tuple(_entry(item) for item in items)
        return cls(sections)

    def entries(self, section: Section) -> tuple[PlanEntry, ...]:
        return self.sections.get(section, ())


@dataclass(frozen=True)
class SafetyPlanVersion:
    number: int
    plan: SafetyPlan
    created_at: datetime
    created_by: str
    agreed_with_person: bool
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class SectionChange:
    section: Section
    added: tuple[PlanEntry, ...]
    removed: tuple[PlanEntry, ...]
    reordered: bool


def validate_plan(plan: SafetyPlan) -> list[Problem]:
    """Every problem in the plan, in section order; an empty list means it can be saved."""
    problems: list[Problem] = []
    for section in Section:
        entries = plan.entries(section)
        if section.required and not entries:
            problems.append(
                Problem(
                    section, None, ProblemCode.REQUIRED_SECTION_EMPTY, N_("Add at least one entry.")
                )
            )
        if len(entries) > MAX_ENTRIES_PER_SECTION:
            problems.append(
                Problem(
                    section,
                    None,
                    ProblemCode.TOO_MANY_ENTRIES,
                    N_("Keep this to %(max_entries)d entries or fewer."),
                )
            )
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            problems.extend(_entry_problems(section, index, entry, seen))
    return problems


def first_version(
    plan: SafetyPlan, *, created_by: str, at: datetime, agreed_with_person: bool
) -> SafetyPlanVersion:
    _require_valid(plan)
    return SafetyPlanVersion(1, plan, at, created_by, agreed_with_person)


def revise(
    previous: SafetyPlanVersion,
    plan: SafetyPlan,
    *,
    created_by: str,
    at: datetime,
    agreed_with_person: bool,
) -> SafetyPlanVersion:
    """The next version. Refuses an unchanged plan (a version must mean something changed) and
    time running backwards (versions are ordered by number and by time)."""
    _require_valid(plan)
    if at < previous.created_at:
        raise SafetyPlanError("a revision cannot be older than the version it revises")
    if not any(_changed(change) for change in diff_plans(previous.plan, plan)):
        raise PlanUnchangedError("nothing changed: no new version saved")
    return SafetyPlanVersion(previous.number + 1, plan, at, created_by, agreed_with_person)


def diff_plans(old: SafetyPlan, new: SafetyPlan) -> list[SectionChange]:
    """What changed, section by section (sections with no change are left out)."""
    changes = []
    for section in Section:
        before, after = old.entries(section), new.entries(section)
        added = tuple(entry for entry in after if entry not in before)
        removed = tuple(entry for entry in before if entry not in after)
        kept_before = [entry for entry in before if entry in after]
        kept_after = [entry for entry in after if entry in before]
        change = SectionChange(section, added, removed, kept_before != kept_after)
        if _changed(change):
            changes.append(change)
    return changes


def _changed(change: SectionChange) -> bool:
    return bool(change.added or change.removed or change.reordered)


def _require_valid(plan: SafetyPlan) -> None:
    problems = validate_plan(plan)
    if problems:
        summary = "; ".join(f"{p.section.value}: {p.code.value}" for p in problems)
        raise SafetyPlanError(f"the safety plan is not valid: {summary}", problems)


def _entry(item: PlanEntry | str) -> PlanEntry:
    if isinstance(item, str):
        return PlanEntry(item.strip())
    contact = item.contact.strip() if item.contact else None
    return PlanEntry(item.text.strip(), contact or None)


def _entry_problems(
    section: Section, index: int, entry: PlanEntry, seen: set[str]
) -> list[Problem]:
    problems = []
    text = entry.text.strip()
    if not text:
        problems.append(
            Problem(section, index, ProblemCode.EMPTY_ENTRY, N_("Write something here."))
        )
    if len(text) > MAX_ENTRY_CHARS:
        message = N_("Keep this to %(max_chars)d characters or fewer.")
        problems.append(Problem(section, index, ProblemCode.ENTRY_TOO_LONG, message))
    if text and text.casefold() in seen:
        problems.append(
            Problem(section, index, ProblemCode.DUPLICATE_ENTRY, N_("This is already here."))
        )
    seen.add(text.casefold())
    if entry.contact is not None:
        if not section.takes_contacts:
            message = N_("Phone numbers go under people or services to ask for help.")
            problems.append(Problem(section, index, ProblemCode.CONTACT_NOT_ALLOWED, message))
        elif len(entry.contact) > MAX_CONTACT_CHARS or not _CONTACT.match(entry.contact.strip()):
            message = N_("Enter a phone number using digits, spaces and + only.")
            problems.append(Problem(section, index, ProblemCode.CONTACT_INVALID, message))
    return problems
