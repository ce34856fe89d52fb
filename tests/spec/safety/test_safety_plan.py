"""Safety plans: the seven sections, validation a form can show, versions and their differences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from withcare.domain.safety.errors import SafetyPlanError
from withcare.domain.safety.safety_plan import (
    MAX_ENTRIES_PER_SECTION,
    MAX_ENTRY_CHARS,
    PlanEntry,
    ProblemCode,
    SafetyPlan,
    Section,
    diff_plans,
    first_version,
    revise,
    validate_plan,
)

AT = datetime(2026, 1, 5, 10, tzinfo=UTC)


def minimal(**extra: list[PlanEntry | str]) -> SafetyPlan:
    sections: dict[str, list[PlanEntry | str]] = {
        "warning_signs": ["Not sleeping", "Staying in my room"],
        "coping_strategies": ["Walk the dog"],
        "professionals_and_services": [PlanEntry("Samaritans", "116 123")],
    }
    sections.update(extra)
    return SafetyPlan.of(**sections)


def codes(plan: SafetyPlan) -> list[tuple[Section, ProblemCode]]:
    return [(p.section, p.code) for p in validate_plan(plan)]


def test_the_seven_sections_in_stanley_and_brown_order() -> None:
    assert [s.value for s in Section] == [
        "warning_signs",
        "coping_strategies",
        "people_and_places_that_help",
        "people_to_ask_for_help",
        "professionals_and_services",
        "making_the_environment_safer",
        "reasons_for_living",
    ]


def test_a_minimal_plan_is_valid() -> None:
    assert validate_plan(minimal()) == []


def test_required_sections_are_what_to_notice_what_to_do_and_whom_to_call() -> None:
    assert codes(SafetyPlan.of(reasons_for_living=["My niece"])) == [
        (Section.WARNING_SIGNS, ProblemCode.REQUIRED_SECTION_EMPTY),
        (Section.COPING_STRATEGIES, ProblemCode.REQUIRED_SECTION_EMPTY),
        (Section.PROFESSIONALS_AND_SERVICES, ProblemCode.REQUIRED_SECTION_EMPTY),
    ]


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"reasons_for_living": ["   "]}, ProblemCode.EMPTY_ENTRY),
        ({"reasons_for_living": ["x" * (MAX_ENTRY_CHARS + 1)]}, ProblemCode.ENTRY_TOO_LONG),
        ({"reasons_for_living": ["My cat", "my cat"]}, ProblemCode.DUPLICATE_ENTRY),
        (
            {"reasons_for_living": [f"reason {n}" for n in range(MAX_ENTRIES_PER_SECTION + 1)]},
            ProblemCode.TOO_MANY_ENTRIES,
        ),
        (
            {"coping_strategies": [PlanEntry("Music", "07700 900000")]},
            ProblemCode.CONTACT_NOT_ALLOWED,
        ),
        ({"people_to_ask_for_help": [PlanEntry("Sam", "call me")]}, ProblemCode.CONTACT_INVALID),
    ],
)
def test_problems_are_reported_against_the_section(
    extra: dict[str, list[PlanEntry | str]], problem: ProblemCode
) -> None:
    found = codes(minimal(**extra))
    assert len(found) == 1
    assert found[0][1] is problem


def test_exactly_the_limit_is_allowed() -> None:
    plan = minimal(
        reasons_for_living=["x" * MAX_ENTRY_CHARS],
        people_to_ask_for_help=[PlanEntry("Sam", "+44 (0)7700 900000")],
    )
    assert validate_plan(plan) == []


def test_versions_count_up_and_record_who_and_whether_agreed() -> None:
    v1 = first_version(minimal(), created_by="clin-1", at=AT, agreed_with_person=True)
    changed = minimal(reasons_for_living=["My niece"])
    v2 = revise(
        v1, changed, created_by="person-1", at=AT + timedelta(days=3), agreed_with_person=True
    )
    assert (v1.number, v2.number) == (1, 2)
    assert v2.created_by == "person-1"
    assert v2.schema_version == 1


def test_invalid_unchanged_or_backdated_revisions_are_refused() -> None:
    v1 = first_version(minimal(), created_by="clin-1", at=AT, agreed_with_person=True)
    with pytest.raises(SafetyPlanError, match="not valid"):
        first_version(SafetyPlan(), created_by="clin-1", at=AT, agreed_with_person=True)
    with pytest.raises(SafetyPlanError, match="nothing changed"):
        revise(v1, minimal(), created_by="clin-1", at=AT, agreed_with_person=True)
    with pytest.raises(SafetyPlanError, match="older"):
        revise(
            v1,
            minimal(reasons_for_living=["x"]),
            created_by="clin-1",
            at=AT - timedelta(seconds=1),
            agreed_with_person=True,
        )


def test_stray_spaces_are_not_a_change() -> None:
    v1 = first_version(minimal(), created_by="clin-1", at=AT, agreed_with_person=True)
    padded = minimal(coping_strategies=["  Walk the dog  "])
    with pytest.raises(SafetyPlanError, match="nothing changed"):
        revise(v1, padded, created_by="clin-1", at=AT, agreed_with_person=True)


def test_diff_names_what_was_added_removed_and_reordered() -> None:
    old = minimal()
    new = minimal(
        warning_signs=["Staying in my room", "Not sleeping"],
        coping_strategies=["Call my sister"],
    )
    changes = {c.section: c for c in diff_plans(old, new)}
    assert set(changes) == {Section.WARNING_SIGNS, Section.COPING_STRATEGIES}
    assert changes[Section.WARNING_SIGNS].reordered
    assert not changes[Section.WARNING_SIGNS].added
    coping = changes[Section.COPING_STRATEGIES]
    assert coping.added == (PlanEntry("Call my sister"),)
    assert coping.removed == (PlanEntry("Walk the dog"),)


def test_a_changed_phone_number_is_a_change() -> None:
    new = minimal(professionals_and_services=[PlanEntry("Samaritans", "116123")])
    (change,) = diff_plans(minimal(), new)
    assert change.removed == (PlanEntry("Samaritans", "116 123"),)
    assert change.added == (PlanEntry("Samaritans", "116123"),)
