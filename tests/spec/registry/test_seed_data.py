"""The seed registry: real technologies, every fact traceable to a page and a date."""

from __future__ import annotations

from datetime import date

from withcare.domain.registry.bundle import integrity_problems
from withcare.domain.registry.model import SourceGrade
from withcare.domain.registry.search import build_profiles
from withcare.domain.registry.seed import seed_bundle
from withcare.domain.registry.vocabulary import GuidanceRecommendation, SuppliedBy


def test_at_least_fifteen_technologies_and_consistent() -> None:
    seed = seed_bundle()
    assert len(seed.technologies) >= 15
    assert integrity_problems(seed) == []


def test_every_record_says_where_it_came_from_or_that_it_is_unverified() -> None:
    seed = seed_bundle()
    for kind in (
        "intended_uses",
        "facts",
        "regulatory_records",
        "designations",
        "guidance_records",
        "studies",
    ):
        for record in seed.records(kind):
            p = record.provenance
            if p.grade is SourceGrade.UNVERIFIED:
                assert p.note, record.id
            else:
                assert p.source_url, record.id
                assert p.read_on, record.id
                assert p.read_on <= date(2026, 12, 31)
            assert p.supplied_by in (SuppliedBy.PUBLIC_RECORD, SuppliedBy.EVALUATOR)


def test_known_regulatory_facts() -> None:
    seed = seed_bundle()
    records = {r.identifier: r for r in seed.regulatory_records}
    # https://510k.innolitics.com/search/K231209 (read 2026-11-24)
    assert records["K231209"].decision_date == date(2024, 3, 30)
    assert records["DEN160018"].pathway.value == "fda_de_novo"
    assert records["K173681"].decision_date == date(2018, 12, 10)


def test_nice_hte8_research_only_and_designation_is_not_authorisation() -> None:
    profiles = {p.technology.id: p for p in build_profiles(seed_bundle())}
    wysa = profiles["wysa"]
    assert {g.recommendation for g in wysa.guidance} == {GuidanceRecommendation.RESEARCH_ONLY}
    assert wysa.designations
    assert not wysa.is_authorised
    assert all(not d.authorises_marketing for d in wysa.designations)
    assert profiles["rejoyn"].is_authorised
