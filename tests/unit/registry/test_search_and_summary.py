from __future__ import annotations

from collections.abc import Iterable

import pytest

from withcare.domain.registry.search import (
    MAX_COMPARED,
    Filters,
    Profile,
    build_profiles,
    compare,
    plain_summary,
    search,
)
from withcare.domain.registry.seed import seed_bundle
from withcare.domain.registry.vocabulary import EvidenceLevel


@pytest.fixture(scope="module")
def profiles() -> list[Profile]:
    return build_profiles(seed_bundle())


def names(found: Iterable[Profile]) -> set[str]:
    return {p.technology.name for p in found}


def test_filter_by_condition(profiles: list[Profile]) -> None:
    assert names(search(profiles, Filters(condition="insomnia"))) == {"Somryst", "Sleepio"}


def test_unknown_facts_never_match_a_filter(profiles: list[Profile]) -> None:
    # Only Rejoyn, DaylightRx and Sleepio have a recorded platform list.
    assert names(search(profiles, Filters(platform="android"))) == {
        "Rejoyn",
        "DaylightRx (Daylight)",
        "Sleepio",
    }
    assert search(profiles, Filters(works_offline=True)) == []
    assert search(profiles, Filters(no_data_selling=True)) == []
    # Headspace and Calm are recorded as sharing data for advertising; nobody is recorded as not.
    assert search(profiles, Filters(no_advertising_sharing=True)) == []


def test_filter_by_regulation_and_guidance(profiles: list[Profile]) -> None:
    authorised = names(search(profiles, Filters(authorised_only=True)))
    assert "Wysa" not in authorised  # a Breakthrough designation is not an authorisation
    assert {"reSET", "Rejoyn", "Sleepio"} <= authorised
    nice = names(search(profiles, Filters(nice_recommended_only=True)))
    assert "Wysa" not in nice
    assert {"Sleepio", "Deprexis", "iCT-SAD"} <= nice


def test_evidence_level_and_ordering(profiles: list[Profile]) -> None:
    found = search(profiles, Filters(min_evidence=EvidenceLevel.RANDOMISED))
    assert all(p.evidence_level is EvidenceLevel.RANDOMISED for p in found)
    everything = search(profiles, Filters())
    ranks = [p.evidence_level.rank for p in everything]
    assert ranks == sorted(ranks, reverse=True)


def test_cost_and_text_filters(profiles: list[Profile]) -> None:
    assert "Rejoyn" in names(search(profiles, Filters(cost_models=frozenset({"prescription"}))))
    assert names(search(profiles, Filters(text="video-game"))) == {"EndeavorRx"}


def test_compare_up_to_four(profiles: list[Profile]) -> None:
    rows = compare(profiles[:MAX_COMPARED])
    assert all(len(cells) == MAX_COMPARED for _, cells in rows)
    assert rows[0][0] == "Technology"
    with pytest.raises(ValueError, match="between 1 and 4"):
        compare(profiles[:5])
    with pytest.raises(ValueError):
        compare([])


def test_plain_summary_says_what_is_not_known(profiles: list[Profile]) -> None:
    by_id = {p.technology.id: p for p in profiles}
    wysa = plain_summary(by_id["wysa"])
    assert any("not permission" in line for line in wysa.known)
    assert any("only be used in research" in line for line in wysa.known)
    assert "We hold no studies of whether it works." in wysa.not_known
    rejoyn = plain_summary(by_id["rejoyn"])
    assert any("K231209" in line for line in rejoyn.known)
    assert any("not yet checked by an evaluator" in line for line in rejoyn.known)
