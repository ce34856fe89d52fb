"""The public search page builds the registry's technology profiles once per request, for the
results and the filters' choices alike (counted with a wrapper around the real builder)."""

from __future__ import annotations

from collections.abc import Callable, Collection

import pytest
from fastapi.testclient import TestClient

from withcare.domain.registry.bundle import RegistryBundle
from withcare.domain.registry.search import Profile, build_profiles
from withcare.services.registry import base
from withcare_testing.world import World


def test_the_search_page_builds_the_profiles_once(
    web_world: World, client_factory: Callable[[], TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert web_world.platform.registry.load_seed()
    builds: list[int] = []

    def counted(bundle: RegistryBundle, only: Collection[str] | None = None) -> list[Profile]:
        profiles = build_profiles(bundle, only)
        builds.append(len(profiles))
        return profiles

    monkeypatch.setattr(base, "build_profiles", counted)
    client = client_factory()
    for params, status in (({}, 200), ({"condition": "insomnia", "page": "1"}, 200)):
        builds.clear()
        response = client.get("/technologies", params=params)
        assert response.status_code == status
        assert len(builds) == 1 and builds[0] > 0
    builds.clear()
    assert client.get("/technologies", params={"evidence": "excellent"}).status_code == 400
    assert len(builds) == 1  # wrong choices: only the choices are needed
