"""The framework data files: they load, cite a source, and read only catalogued facts."""

from __future__ import annotations

from withcare.domain.registry.facts import fact_catalogue
from withcare.domain.registry.frameworks import Outcome, evaluate, framework, frameworks


def test_all_required_frameworks_ship() -> None:
    ids = {fw.id for fw in frameworks()}
    assert {
        "apa_app_evaluation",
        "mind_objective",
        "nice_esf",
        "nhs_dtac",
        "privacy_transparency",
    } <= ids


def test_every_framework_cites_a_source_and_reads_known_facts() -> None:
    catalogue = fact_catalogue()
    for fw in frameworks():
        assert fw.source
        assert fw.confidence
        for section in fw.sections:
            for criterion in section.criteria:
                assert criterion.manual or criterion.expect
                for key in criterion.fact_keys:
                    assert key in catalogue


def test_apa_has_five_levels_and_no_score() -> None:
    apa = framework("apa_app_evaluation")
    assert len(apa.sections) == 5
    assert evaluate(apa, {}).overall.startswith("no overall score")


def test_mind_covers_the_objective_question_groups() -> None:
    groups = {s.id for s in framework("mind_objective").sections}
    assert {
        "access",
        "cost",
        "privacy_security",
        "clinical_foundation",
        "features",
        "engagement",
        "inputs_outputs",
        "interoperability",
    } <= groups


def test_nice_esf_has_21_standards_and_standard_14_only_for_tier_c() -> None:
    esf = framework("nice_esf")
    criteria = [c for s in esf.sections for c in s.criteria]
    assert len(criteria) == 21
    tier_b = evaluate(esf, {"derived.nice_esf_tier": "B"})
    tier_c = evaluate(esf, {"derived.nice_esf_tier": "C"})

    def outcome(result: object, cid: str) -> Outcome:
        return next(r.outcome for s in result.sections for r in s.criteria if r.criterion.id == cid)  # type: ignore[attr-defined]

    assert outcome(tier_b, "demonstrating_performance.s14") is Outcome.NOT_APPLICABLE
    assert outcome(tier_c, "demonstrating_performance.s14") is Outcome.UNKNOWN
    # Standards 7-9 do not apply to tier A.
    tier_a = evaluate(esf, {"derived.nice_esf_tier": "A"})
    assert outcome(tier_a, "design_factors.s7") is Outcome.NOT_APPLICABLE


def test_dtac_clinical_safety_is_pass_fail() -> None:
    dtac = framework("nhs_dtac")
    all_yes = {
        "safety.dcb0129": True,
        "safety.clinical_safety_officer": True,
        "safety.hazard_log": True,
        "safety.safety_case": True,
    }
    c1 = evaluate(dtac, all_yes).sections[0]
    assert c1.section.id == "c1_clinical_safety"
    assert c1.status == "pass"
    c1_fail = evaluate(dtac, {**all_yes, "safety.hazard_log": False}).sections[0]
    assert c1_fail.status == "fail"
    d1 = next(
        s
        for s in evaluate(dtac, {"access.wcag_level": "aa"}).sections
        if s.section.id.startswith("d1")
    )
    assert d1.points == 2
    assert d1.possible == 6


def test_every_judged_criterion_says_how_to_close_its_gap() -> None:
    for fw in frameworks():
        for section in fw.sections:
            if section.scoring.value == "questions":
                continue
            for criterion in section.criteria:
                assert criterion.manual or criterion.close_gap, f"{fw.id}:{criterion.id}"


def test_unknown_fact_keys_in_a_framework_are_refused() -> None:
    import pytest

    from withcare.domain.registry.frameworks import parse_framework

    raw = {
        "id": "x",
        "title": "X",
        "source": "s",
        "confidence": "c",
        "overall": "none",
        "sections": [
            {
                "id": "s",
                "title": "S",
                "scoring": "questions",
                "criteria": [
                    {"id": "c", "text": "t", "expect": [{"key": "no.such", "op": "present"}]}
                ],
            }
        ],
    }
    with pytest.raises(ValueError, match="unknown fact"):
        parse_framework(raw)
