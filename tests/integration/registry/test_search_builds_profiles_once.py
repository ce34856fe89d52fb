"""The search page's results and its filters' choices come from one build of the technology
profiles: the combined call sends as many SQL statements as a search alone, and gives what
``search`` and ``options`` give on their own."""

from __future__ import annotations

from withcare.domain.registry.search import Filters
from withcare.services.pagination import PageRequest
from withcare_testing.statements import statements_sent
from withcare_testing.world import World


def test_results_and_choices_come_from_one_build_of_the_profiles(world: World) -> None:
    registry = world.platform.registry
    assert registry.load_seed()
    engine = world.platform.database.engine
    for filters, request in (
        (Filters(), PageRequest(2, 10)),
        (Filters(condition="insomnia"), PageRequest(1, 10)),
    ):
        with statements_sent(engine) as alone:
            results = registry.search(None, filters, request)
        with statements_sent(engine) as combined:
            page = registry.search_with_options(None, filters, request)
        assert page.results == results and page.options == registry.options()
        assert page.results.items and page.options.conditions
        assert len(alone) > 1  # a build reads several tables
        assert len(combined) == len(alone)
