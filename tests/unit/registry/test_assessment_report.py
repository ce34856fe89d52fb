from __future__ import annotations

import json
from datetime import UTC, datetime

from withcare.domain.registry.assessment import assessment_to_html, assessment_to_json, self_assess

AT = datetime(2026, 5, 1, tzinfo=UTC)

ANSWERS = {
    "intended_use.significance": "treat",
    "intended_use.seriousness": "serious",
    "function.complex": True,
    "safety.dcb0129": True,
    "safety.clinical_safety_officer": True,
    "safety.hazard_log": True,
    "safety.safety_case": False,
    "privacy.sells_data": "nope",
}


def test_one_set_of_answers_feeds_every_framework_and_classification() -> None:
    a = self_assess(ANSWERS, technology="Demo", at=AT)
    assert [c.value for c in a.classifications] == ["C", "III", "IIb", "likely"]
    dtac = next(r for r in a.results if r.framework.id == "nhs_dtac")
    assert dtac.sections[0].status == "fail"
    assert dtac.overall == "fail"
    assert a.rejected_answers == ("privacy.sells_data must be true or false",)
    gap = next(g for g in a.gaps if g.criterion_id == "c1_clinical_safety.safety_case")
    assert gap.how_to_close == "Write a clinical safety case report."


def test_missing_classification_inputs_become_gaps() -> None:
    a = self_assess({}, technology="Empty", at=AT)
    scheme_gaps = [g for g in a.gaps if g.framework_id == "imdrf_samd"]
    assert scheme_gaps
    assert "intended_use.seriousness" in scheme_gaps[0].missing_facts


def test_json_and_html_reports_agree_and_escape() -> None:
    a = self_assess(ANSWERS, technology="<script>x</script>", at=AT)
    data = json.loads(assessment_to_json(a))
    assert data["classifications"][1]["rule_version"] == "imdrf-n12-2014/1"
    assert len(data["gaps"]) == len(a.gaps)
    html = assessment_to_html(a)
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;" in html
    assert "imdrf-n12-2014/1" in html
    assert "Write a clinical safety case report." in html
