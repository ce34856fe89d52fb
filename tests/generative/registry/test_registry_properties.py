"""Properties that must hold for every input, not just the examples we thought of."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from withcare.domain.registry.bundle import RegistryBundle
from withcare.domain.registry.classification import (
    classify_all,
    imdrf_samd_category,
    mdr_rule_11_class,
)
from withcare.domain.registry.interchange import Accepted, import_csv, records_to_csv
from withcare.domain.registry.model import Technology
from withcare.domain.registry.outcomes import PersonOutcome, summarise_outcomes
from withcare.domain.registry.vocabulary import Seriousness, Significance, TechnologyKind

MEDICAL = [s.value for s in Significance if s.is_medical]
ORDER_SIG = ["inform", "drive", "treat"]
ORDER_SER = [s.value for s in Seriousness]
IMDRF_RANK = {"I": 1, "II": 2, "III": 3, "IV": 4}
RULE11_RANK = {"I": 0, "IIa": 1, "IIb": 2, "III": 3}

maybe_bool = st.none() | st.booleans()
facts_strategy = st.fixed_dictionaries(
    {},
    optional={
        "intended_use.significance": st.sampled_from([s.value for s in Significance]),
        "intended_use.seriousness": st.sampled_from(ORDER_SER),
        "intended_use.system_efficiency_only": st.booleans(),
        "function.complex": st.booleans(),
        "function.monitors_physiology": st.booleans(),
        "function.monitors_vital_parameters": st.booleans(),
    },
)


@given(facts_strategy, st.booleans())
def test_every_classification_is_either_a_known_class_or_names_what_is_missing(
    facts: dict[str, object], device: bool
) -> None:
    for result in classify_all(facts, regulated_as_device=device):  # type: ignore[arg-type]
        assert result.rule_version
        if result.value is None:
            assert result.missing
            assert all(key not in facts for key in result.missing)
        else:
            assert result.missing == ()


@given(
    st.sampled_from(ORDER_SIG),
    st.sampled_from(ORDER_SIG),
    st.sampled_from(ORDER_SER),
    st.sampled_from(ORDER_SER),
)
def test_more_significant_or_more_serious_never_lowers_the_class(
    sig_a: str, sig_b: str, ser_a: str, ser_b: str
) -> None:
    if ORDER_SIG.index(sig_a) > ORDER_SIG.index(sig_b):
        sig_a, sig_b = sig_b, sig_a
    if ORDER_SER.index(ser_a) > ORDER_SER.index(ser_b):
        ser_a, ser_b = ser_b, ser_a
    low = {"intended_use.significance": sig_a, "intended_use.seriousness": ser_a}
    high = {"intended_use.significance": sig_b, "intended_use.seriousness": ser_b}
    assert (
        IMDRF_RANK[imdrf_samd_category(low).value or ""]
        <= IMDRF_RANK[imdrf_samd_category(high).value or ""]
    )
    assert (
        RULE11_RANK[mdr_rule_11_class(low).value or ""]
        <= RULE11_RANK[mdr_rule_11_class(high).value or ""]
    )


outcome = st.builds(PersonOutcome, maybe_bool, maybe_bool)


@given(st.lists(outcome, max_size=80), st.integers(min_value=1, max_value=15))
def test_no_shown_count_or_complement_is_below_the_threshold(
    outcomes: list[PersonOutcome], threshold: int
) -> None:
    summary = summarise_outcomes(outcomes, threshold=threshold)
    if summary.people is not None:
        assert summary.people >= threshold
    for rate in (summary.reliable_improvement, summary.recovery):
        if rate.count is not None:
            assert rate.denominator is not None
            assert rate.count >= threshold
            assert rate.denominator - rate.count >= threshold


safe_text = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)

technology = st.builds(
    Technology,
    id=st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True),
    name=safe_text,
    organisation_id=st.just("org-x"),
    kind=st.sampled_from(list(TechnologyKind)),
    description=st.none() | safe_text,
)


@settings(max_examples=60)
@given(st.lists(technology, max_size=6, unique_by=lambda t: t.id))
def test_csv_export_then_import_gives_back_the_same_records(technologies: list[Technology]) -> None:
    bundle = RegistryBundle(technologies=tuple(technologies))
    result = import_csv(
        records_to_csv(bundle, "technologies"), "technologies", {"organisations": ["org-x"]}
    )
    assert isinstance(result, Accepted)
    assert result.bundle.technologies == bundle.technologies
