"""Pages of results, so no list grows without bound on a slow phone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from withcare.services.errors import N_, InvalidInput

T = TypeVar("T")
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = 25

    def __post_init__(self) -> None:
        if self.page < 1:
            raise InvalidInput(N_("Page numbers start at 1."), {"page": N_("Use 1 or more.")})
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidInput(
                N_("Show between 1 and %(max)d items per page."),
                {"per_page": N_("Use a number from 1 to %(max)d.")},
                params={"max": MAX_PER_PAGE},
            )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1
