from __future__ import annotations

from datetime import UTC, datetime

from withcare.domain.registry.interchange import Rejected, import_csv
from withcare.domain.registry.outcomes import PersonOutcome
from withcare.domain.registry.privacy import privacy_profile
from withcare.domain.registry.recommendations import TechnologyRecommendation, outcome_summaries


def test_privacy_profile_keeps_unknown_as_unknown() -> None:
    profile = privacy_profile(
        {"privacy.sells_data": False, "security.cyber_essentials": "cyber_essentials"}
    )
    assert profile.sells_data is False
    assert profile.cyber_essentials == "cyber_essentials"
    assert profile.encryption_at_rest is None
    assert "encryption_at_rest" in profile.unknown_fields
    assert "sells_data" not in profile.unknown_fields


def test_outcome_summary_per_recommended_technology_counts_people_once() -> None:
    at = datetime(2026, 6, 1, tzinfo=UTC)
    recs = [
        TechnologyRecommendation(
            id=f"rec-{i}-{n}",
            technology_id="sleepio",
            person_ref=f"p{i}",
            clinician_ref="c1",
            recommended_at=at,
        )
        for i in range(30)
        for n in range(2)  # recommended twice: still one person
    ]
    recs.append(
        TechnologyRecommendation(
            id="rec-x", technology_id="calm", person_ref="p0", clinician_ref="c1", recommended_at=at
        )
    )
    outcomes = {f"p{i}": PersonOutcome(i < 12, None) for i in range(30)}
    summaries = outcome_summaries(recs, outcomes)
    assert summaries["sleepio"].people == 30
    assert summaries["sleepio"].reliable_improvement.count == 12
    assert not summaries["calm"].enough_people


def test_import_reports_record_and_reference_problems_together_in_line_order() -> None:
    text = "id,name,organisation_id,kind\nx,X,org-none,app\ny,,org-pear,robot\nx,X2,org-pear,app\n"
    result = import_csv(text, "technologies", {"organisations": ["org-pear"]})
    assert isinstance(result, Rejected)
    assert [p.location for p in result.problems] == ["line 2", "line 3", "line 3", "line 4"]
    assert result.problems[-1].reason == "duplicate id"
