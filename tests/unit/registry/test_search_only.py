"""Profiles of only the technologies a page is about: the same profiles, fewer classified."""

from __future__ import annotations

from withcare.domain.registry.search import build_profiles
from withcare.domain.registry.seed import seed_bundle


def test_only_the_chosen_technologies_are_built_and_they_are_the_same() -> None:
    bundle = seed_bundle()
    everything = {p.technology.id: p for p in build_profiles(bundle)}
    chosen = sorted(everything)[:2]
    some = build_profiles(bundle, only=set(chosen))
    assert [p.technology.id for p in some] == chosen
    assert all(p == everything[p.technology.id] for p in some)
    assert build_profiles(bundle, only=set()) == []
    assert build_profiles(bundle, only={"no-such-technology"}) == []
