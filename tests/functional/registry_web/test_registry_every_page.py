"""Every registry page renders for every seeded technology, with unique ids, a label for every
field, and no inline script or style (the CSP forbids them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from withcare.domain.registry.seed import seed_bundle
from withcare_testing.web import log_in
from withcare_testing.world import World

SEEDED = len(seed_bundle().technologies)  # the seed grows as facts are sourced


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.labelled: set[str] = set()
        self.fields: set[str] = set()
        self.inline = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids[str(found["id"])] += 1
        if tag == "label" and found.get("for"):
            self.labelled.add(str(found["for"]))
        if tag in ("input", "select", "textarea") and found.get("type") not in ("hidden",):
            self.fields.add(str(found.get("id")))
        if tag in ("script", "style") or "style" in found:
            self.inline += 1


def _check(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, path
    page = _Page()
    page.feed(response.text)
    assert [i for i, n in page.ids.items() if n > 1] == [], path
    assert page.fields - page.labelled == set(), path
    assert page.inline == 0, path


def test_every_page_for_every_technology(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    web_world.platform.registry.load_seed()
    evaluator = log_in(client_factory(), web_world, web_world["evaluator"])
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    anonymous = client_factory()
    ids = [i for i, _name in web_world.platform.registry.technology_choices()]
    assert len(ids) == SEEDED
    for technology_id in ids:
        _check(anonymous, f"/technologies/{technology_id}")
        _check(evaluator, f"/technologies/{technology_id}/facts")
        _check(evaluator, f"/technologies/{technology_id}/assessment")
        for fmt in ("html", "pdf", "json"):
            report = evaluator.get(f"/technologies/{technology_id}/assessment/report.{fmt}")
            assert report.status_code == 200, (technology_id, fmt)
    _check(anonymous, "/technologies")
    _check(anonymous, "/technologies/compare?ids=" + ",".join(ids[:4]))
    _check(evaluator, "/registry/reviews")
    _check(evaluator, "/registry/import")
    _check(clinician, f"/people/{web_world.person_id}/recommendations")
