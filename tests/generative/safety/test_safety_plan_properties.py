"""Safety plan diffs are consistent for any pair of plans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from withcare.domain.safety.safety_plan import PlanEntry, SafetyPlan, Section, diff_plans

entries = st.lists(
    st.builds(PlanEntry, st.sampled_from(["a", "b", "c", "d", "e"]), st.none() | st.just("111")),
    max_size=5,
    unique=True,
)
plans = st.builds(
    SafetyPlan, st.dictionaries(st.sampled_from(Section), entries.map(tuple), max_size=7)
)


@settings(max_examples=200, deadline=None)
@given(plan=plans)
def test_a_plan_does_not_differ_from_itself(plan: SafetyPlan) -> None:
    assert diff_plans(plan, plan) == []


@settings(max_examples=200, deadline=None)
@given(old=plans, new=plans)
def test_diff_is_symmetric_and_accounts_for_every_entry(old: SafetyPlan, new: SafetyPlan) -> None:
    forward = {c.section: c for c in diff_plans(old, new)}
    backward = {c.section: c for c in diff_plans(new, old)}
    assert set(forward) == set(backward)
    for section, change in forward.items():
        assert set(change.added) == set(backward[section].removed)
        assert set(change.removed) == set(backward[section].added)
        rebuilt = (set(old.entries(section)) - set(change.removed)) | set(change.added)
        assert rebuilt == set(new.entries(section))
    for section in Section:
        if section not in forward:
            assert old.entries(section) == new.entries(section)
