"""Public browsing: search, a technology's page, and side-by-side comparison."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from withcare.domain.registry.classification import ClassificationOutcome
from withcare.domain.registry.privacy import privacy_profile
from withcare.domain.registry.reviews import published
from withcare.domain.registry.search import (
    MAX_COMPARED,
    Filters,
    Profile,
    build_profiles,
    compare,
    plain_summary,
    search,
)
from withcare.security.authorisation import Actor, Permission, authorise
from withcare.services.errors import N_, InvalidInput, NotFound
from withcare.services.pagination import Page, PageRequest
from withcare.services.registry.base import RegistryBase
from withcare.services.registry.views import Comparison, SearchOptions, TechnologyPage


class BrowseMixin(RegistryBase):
    """Public browsing needs no account (people seeking help)."""

    def search(self, actor: Actor | None, filters: Filters, request: PageRequest) -> Page[Profile]:
        authorise(actor, Permission.PUBLIC)
        return _found(self._public_profiles(actor), filters, request)

    def options(self) -> SearchOptions:
        return _options(self._public_profiles(None))

    def search_with_options(
        self, actor: Actor | None, filters: Filters, request: PageRequest
    ) -> SearchPage:
        """The search page's results and its filters' choices from one build of the profiles
        (building them is most of the page's work)."""
        authorise(actor, Permission.PUBLIC)
        profiles = self._public_profiles(actor)
        return SearchPage(_found(profiles, filters, request), _options(profiles))

    def _public_profiles(self, actor: Actor | None) -> list[Profile]:
        with self._platform.unit_of_work(actor) as uow:
            return self._profiles(uow.session)

    def technology(self, actor: Actor | None, technology_id: str) -> TechnologyPage:
        authorise(actor, Permission.PUBLIC)
        with self._platform.unit_of_work(actor) as uow:
            bundle = self._bundle(uow.session)
            profile = next(iter(build_profiles(bundle, only={technology_id})), None)
            if profile is None:
                raise NotFound(N_("There is no technology with this id in the registry."))
            return TechnologyPage(
                profile=profile,
                summary=plain_summary(profile),
                privacy=privacy_profile(profile.facts),
                classifications=self._classifications(uow.session, profile),
                reviews=tuple(published(list(bundle.reviews), technology_id)),
                feedback=bundle.for_technology("feedback_responses", technology_id),
                outcomes=self._outcomes(uow, technology_id),
            )

    def classifications(
        self, actor: Actor | None, technology_id: str
    ) -> tuple[ClassificationOutcome, ...]:
        authorise(actor, Permission.PUBLIC)
        with self._platform.unit_of_work(actor) as uow:
            return self._classifications(uow.session, self._profile(uow.session, technology_id))

    def compare(self, actor: Actor | None, technology_ids: Sequence[str]) -> Comparison:
        authorise(actor, Permission.PUBLIC)
        ids = list(dict.fromkeys(i.strip() for i in technology_ids if i.strip()))
        if not ids:
            raise InvalidInput(
                N_("Choose at least one technology to compare."), {"ids": N_("Choose 1 to 4.")}
            )
        if len(ids) > MAX_COMPARED:
            raise InvalidInput(
                N_("You can compare up to %(max)d technologies at a time."),
                {"ids": N_("Choose at most %(max)d.")},
                params={"max": MAX_COMPARED},
            )
        with self._platform.unit_of_work(actor) as uow:
            by_id = {p.technology.id: p for p in self._profiles(uow.session, only=set(ids))}
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise InvalidInput(
                N_("Some of the technologies to compare are not in the registry."),
                {"ids": N_("Not in the registry: %(unknown)s")},
                params={"unknown": ", ".join(unknown)[:200]},
            )
        chosen = [by_id[i] for i in ids]
        rows = tuple((label, tuple(cells)) for label, cells in compare(chosen))
        return Comparison(tuple(chosen), rows)


@dataclass(frozen=True)
class SearchPage:
    """One page of search results and the values each filter can take."""

    results: Page[Profile]
    options: SearchOptions


def _found(profiles: list[Profile], filters: Filters, request: PageRequest) -> Page[Profile]:
    found = search(profiles, filters)
    items = found[request.offset : request.offset + request.per_page]
    return Page(items, request.page, request.per_page, len(found))


def _options(profiles: list[Profile]) -> SearchOptions:
    def listed(key: str) -> tuple[str, ...]:
        values: set[str] = set()
        for p in profiles:
            value = p.facts.get(key)
            if isinstance(value, tuple):
                values.update(value)
            elif isinstance(value, str):
                values.add(value)
        return tuple(sorted(values))

    conditions = sorted({c for p in profiles for c in p.conditions}, key=str.casefold)
    return SearchOptions(
        conditions=tuple(conditions),
        cost_models=listed("access.cost_model"),
        platforms=listed("access.platforms"),
        languages=listed("access.languages"),
        accessibility_features=listed("access.accessibility_features"),
    )
