"""Accounting for rows that could not be used.

Real exports are messy; a row that cannot be used must be counted with a reason, per file, so that a
run never silently drops data and never crashes on one bad line. The counts travel back from workers
to the caller and end in the run summary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class FileReport:
    """What happened to one raw file: rows read, rows used, and rows rejected by reason."""

    path: str
    stream: str
    rows_read: int = 0
    rows_used: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    out_of_order: int = 0  # rows kept but re-sorted: reported, not rejected
    notes: list[str] = field(default_factory=list)

    def reject(self, reason: str, count: int = 1) -> None:
        if count > 0:
            self.rejected[reason] += count

    @property
    def rows_rejected(self) -> int:
        return sum(self.rejected.values())


def summarise(reports: list[FileReport]) -> dict[str, int]:
    """Total rejected rows per reason across many files (for the end-of-run summary)."""
    total: Counter[str] = Counter()
    for report in reports:
        total.update(report.rejected)
    return dict(sorted(total.items()))
