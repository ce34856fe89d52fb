"""Statistical disclosure control for published counts (P5, P6).

Every count a manager, commissioner or researcher sees passes through here. The rules, with their
constants named so they can be read, reviewed and changed in one place:

1. **Small-number suppression**: a count from 1 to ``SUPPRESSION_THRESHOLD - 1`` is never
   published. Zero is published (``PUBLISH_ZEROS``): an empty group identifies nobody, and hiding
   zeros would hide exactly the gaps P5 exists to show (for example, no-one in a group recovered).
2. **Secondary suppression**: a table publishes its total, so one hidden cell could be recovered as
   total minus the rest. Whenever exactly one cell is hidden, the next smallest cell is hidden too
   (or, if there is none, the total), so every table hides none or at least two.
3. **Rounding**: every published count is rounded to the nearest ``ROUNDING_BASE``, which blunts
   differencing between overlapping tables (this month vs this month plus one day). Rounding a count
   of at least the threshold never yields a published value below it.

Docs: ``docs/privacy/disclosure-control.md``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

SUPPRESSION_THRESHOLD = 10
"""Counts below this (other than zero) are never published."""
ROUNDING_BASE = 5
"""Published counts are rounded to the nearest multiple of this."""
PUBLISH_ZEROS = True
"""Zero identifies nobody; hiding it would hide gaps."""

K = TypeVar("K", bound=Hashable)


class CellStatus(StrEnum):
    PUBLISHED = "published"
    SUPPRESSED_SMALL = "suppressed_small"
    """Hidden because the count itself is small."""
    SUPPRESSED_SECONDARY = "suppressed_secondary"
    """Hidden so that a small count elsewhere cannot be worked out from the total."""

    @property
    def suppressed(self) -> bool:
        return self is not CellStatus.PUBLISHED


@dataclass(frozen=True)
class Cell:
    """A published count (rounded) or the reason it is hidden. Never the true value if hidden."""

    status: CellStatus
    value: int | None

    @classmethod
    def hidden(cls, status: CellStatus) -> Cell:
        return cls(status, None)

    @classmethod
    def shown(cls, count: int) -> Cell:
        return cls(CellStatus.PUBLISHED, round_count(count))

    def __str__(self) -> str:
        return str(self.value) if self.value is not None else f"[{self.status.value}]"


def is_small(count: int) -> bool:
    """Whether a true count must not be published on its own."""
    if count < 0:
        raise ValueError("counts cannot be negative")
    if count == 0:
        return not PUBLISH_ZEROS
    return count < SUPPRESSION_THRESHOLD


def round_count(count: int) -> int:
    """Round half up to the nearest ``ROUNDING_BASE`` (exact integer arithmetic)."""
    return ((count + ROUNDING_BASE // 2) // ROUNDING_BASE) * ROUNDING_BASE


def secondary_suppression(sizes: Mapping[K, int], hidden: set[K]) -> set[K]:
    """Extra keys to hide so that no line with a published total hides exactly one entry.

    ``sizes`` orders the candidates: the smallest visible entry is hidden first because it loses
    the least information. Returns the keys to add (possibly empty).
    """
    if len(hidden) != 1:
        return set()
    visible = sorted((k for k in sizes if k not in hidden), key=lambda k: (sizes[k], str(k)))
    nonzero = [k for k in visible if sizes[k] > 0]
    candidates = nonzero or visible
    return {candidates[0]} if candidates else set()


@dataclass(frozen=True)
class ProtectedTable(Generic[K]):
    """A one-way table of counts with its total, safe to publish."""

    cells: Mapping[K, Cell]
    total: Cell

    @property
    def suppressed(self) -> frozenset[K]:
        return frozenset(k for k, c in self.cells.items() if c.status.suppressed)


def protect_counts(counts: Mapping[K, int]) -> ProtectedTable[K]:
    """Apply suppression, secondary suppression and rounding to a table of counts and its total.

    Every key in ``counts`` appears in the result: a group is shown as suppressed, never dropped.
    """
    total = sum(counts.values())
    if is_small(total):
        cells = {
            k: Cell.shown(0) if n == 0 else Cell.hidden(CellStatus.SUPPRESSED_SMALL)
            for k, n in counts.items()
        }
        return ProtectedTable(cells, Cell.hidden(CellStatus.SUPPRESSED_SMALL))
    small = {k for k, n in counts.items() if is_small(n)}
    secondary = secondary_suppression(counts, small)
    total_cell = Cell.shown(total)
    if len(small) == 1 and not secondary:
        total_cell = Cell.hidden(CellStatus.SUPPRESSED_SECONDARY)
    cells = {}
    for key, count in counts.items():
        if key in small:
            cells[key] = Cell.hidden(CellStatus.SUPPRESSED_SMALL)
        elif key in secondary:
            cells[key] = Cell.hidden(CellStatus.SUPPRESSED_SECONDARY)
        else:
            cells[key] = Cell.shown(count)
    return ProtectedTable(cells, total_cell)
