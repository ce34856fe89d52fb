"""Classification rules, table by table, against their sources.

IMDRF N12 (2014) section 7.2 matrix: https://www.imdrf.org/documents/software-medical-device-possible-framework-risk-categorization-and-corresponding-considerations
  (corners confirmed via https://complizen.ai/post/samd-risk-categories; inner cells [unverified]).
EU MDR Annex VIII Rule 11, quoted verbatim at
  https://blog.johner-institute.com/regulatory-affairs/mdr-rule-11/ ;
  significance x seriousness mapping after MDCG 2019-11 Annex III [unverified, recalled].
NICE ESF tiers: https://www.nice.org.uk/corporate/ecd7/resources/evidence-standards-framework-for-digital-health-technologies-user-guide-9024813901/chapter/how-to-use-the-framework
MHRA DMHT qualification (2025-02-03): https://www.gov.uk/government/publications/digital-mental-health-technology-qualification-and-classification
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from withcare.domain.registry.classification import (
    Scheme,
    apply_override,
    classify_all,
    imdrf_samd_category,
    mdr_rule_11_class,
    nice_esf_tier,
    override_classification,
    uk_samd_likely,
)

IMDRF = [
    # seriousness, significance, category
    ("critical", "treat", "IV"),
    ("critical", "diagnose", "IV"),
    ("critical", "drive", "III"),
    ("critical", "inform", "II"),
    ("serious", "treat", "III"),
    ("serious", "diagnose", "III"),
    ("serious", "drive", "II"),
    ("serious", "inform", "I"),
    ("non_serious", "treat", "II"),
    ("non_serious", "diagnose", "II"),
    ("non_serious", "drive", "I"),
    ("non_serious", "inform", "I"),
]


@pytest.mark.parametrize(("seriousness", "significance", "expected"), IMDRF)
def test_imdrf_matrix(seriousness: str, significance: str, expected: str) -> None:
    result = imdrf_samd_category(
        {"intended_use.significance": significance, "intended_use.seriousness": seriousness}
    )
    assert result.value == expected
    assert result.rule_version.startswith("imdrf-n12-2014/")


def test_imdrf_wellness_is_not_samd_whatever_the_seriousness() -> None:
    for seriousness in ("non_serious", "serious", "critical"):
        facts = {"intended_use.significance": "wellness", "intended_use.seriousness": seriousness}
        assert imdrf_samd_category(facts).value == "not_samd"


RULE_11 = [
    ("critical", "treat", "III"),
    ("critical", "diagnose", "III"),
    ("critical", "drive", "IIb"),
    ("critical", "inform", "IIa"),
    ("serious", "treat", "IIb"),
    ("serious", "drive", "IIa"),
    ("serious", "inform", "IIa"),
    ("non_serious", "treat", "IIa"),
    ("non_serious", "inform", "IIa"),
]


@pytest.mark.parametrize(("seriousness", "significance", "expected"), RULE_11)
def test_rule_11_decision_branch(seriousness: str, significance: str, expected: str) -> None:
    facts = {"intended_use.significance": significance, "intended_use.seriousness": seriousness}
    assert mdr_rule_11_class(facts).value == expected


@pytest.mark.parametrize(
    ("vital", "expected"),
    [(False, "IIa"), (True, "IIb")],
)
def test_rule_11_monitoring_branch_raises_class_never_lowers(vital: bool, expected: str) -> None:
    # "Software intended to monitor physiological processes is IIa, vital parameters IIb".
    facts = {
        "intended_use.significance": "inform",
        "intended_use.seriousness": "non_serious",
        "function.monitors_physiology": True,
        "function.monitors_vital_parameters": vital,
    }
    assert mdr_rule_11_class(facts).value == expected
    critical = {
        **facts,
        "intended_use.significance": "treat",
        "intended_use.seriousness": "critical",
    }
    assert mdr_rule_11_class(critical).value == "III"


def test_rule_11_no_medical_purpose_is_not_a_device() -> None:
    assert mdr_rule_11_class({"intended_use.significance": "wellness"}).value == "not_a_device"


NICE = [
    ({"intended_use.system_efficiency_only": True}, False, "A"),
    (
        {"intended_use.significance": "wellness", "intended_use.system_efficiency_only": False},
        False,
        "B",
    ),
    ({"intended_use.significance": "inform"}, False, "C"),
    ({"intended_use.significance": "treat"}, False, "C"),
    (
        {"intended_use.significance": "wellness", "intended_use.system_efficiency_only": False},
        True,
        "C",
    ),
]


@pytest.mark.parametrize(("facts", "device", "expected"), NICE)
def test_nice_esf_tier(facts: dict[str, object], device: bool, expected: str) -> None:
    result = nice_esf_tier(facts, regulated_as_device=device)  # type: ignore[arg-type]
    assert result.value == expected
    assert result.rule_version == "nice-esf-ecd7-2022/1"


UK_SAMD = [
    ({"intended_use.significance": "wellness", "function.complex": True}, "unlikely"),
    ({"intended_use.significance": "treat", "function.complex": True}, "likely"),
    ({"intended_use.significance": "inform", "function.complex": False}, "unlikely"),
    ({"intended_use.significance": "diagnose"}, None),
]


@pytest.mark.parametrize(("facts", "expected"), UK_SAMD)
def test_uk_samd_follows_purpose_and_complexity(
    facts: dict[str, object], expected: str | None
) -> None:
    result = uk_samd_likely(facts)  # type: ignore[arg-type]
    assert result.value == expected
    if expected is None:
        assert result.missing == ("function.complex",)


def test_missing_facts_are_named_not_guessed() -> None:
    results = classify_all({})
    assert all(r.value is None for r in results)
    assert all(r.missing for r in results)


def test_override_needs_a_written_reason_and_keeps_the_computed_value() -> None:
    computed = imdrf_samd_category(
        {"intended_use.significance": "inform", "intended_use.seriousness": "serious"}
    )
    at = datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="reason"):
        override_classification(computed, "II", reason=" ", by="eval-1", at=at)
    with pytest.raises(ValueError, match="not a imdrf_samd class"):
        override_classification(computed, "IIb", reason="A sound reason given here.", by="e", at=at)
    outcome = override_classification(
        computed,
        "II",
        reason="Used in crisis teams, so effectively drives care.",
        by="eval-1",
        at=at,
    )
    assert outcome.effective == "II"
    assert outcome.computed.value == "I"
    assert outcome.override is not None
    assert outcome.override.by == "eval-1"
    assert outcome.computed.scheme is Scheme.IMDRF_SAMD


def test_an_override_goes_stale_when_facts_or_rules_change() -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    before = imdrf_samd_category(
        {"intended_use.significance": "inform", "intended_use.seriousness": "serious"}
    )
    outcome = override_classification(
        before, "II", reason="Drives care in practice.", by="ev", at=at
    )
    assert outcome.override is not None
    after = imdrf_samd_category(
        {"intended_use.significance": "treat", "intended_use.seriousness": "serious"}
    )
    moved = apply_override(after, outcome.override)
    assert moved.stale
    assert moved.effective == "III"
    same = apply_override(before, outcome.override)
    assert not same.stale
    assert same.effective == "II"
    new_rules = replace(before, rule_version="imdrf-n12-2014/2")
    assert apply_override(new_rules, outcome.override).stale
