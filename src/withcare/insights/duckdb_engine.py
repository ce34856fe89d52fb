"""A SQL population engine on DuckDB, for exports too large to count in Python.

It must agree with :class:`~withcare.insights.engine.InMemoryEngine` exactly; a property test
feeds both the same random records. Column names come only from the records themselves and are
quoted, so no text from a request ever reaches the SQL.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from withcare.insights.engine import PersonRecord
from withcare.insights.equity import NOT_RECORDED, GroupCounts


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class DuckDBEngine:
    def __init__(self, records: Iterable[PersonRecord]) -> None:
        rows = list(records)
        self._dimensions = sorted({k for r in rows for k in r.attributes})
        self._outcomes = sorted({k for r in rows for k in r.outcomes})
        self._db = duckdb.connect(":memory:")
        columns = ["rowid_ INTEGER"]
        columns += [f"{_quote('a:' + d)} VARCHAR" for d in self._dimensions]
        columns += [f"{_quote('o:' + o)} BOOLEAN" for o in self._outcomes]
        self._db.execute(f"CREATE TABLE people ({', '.join(columns)})")
        values = [
            (
                i,
                *(r.attributes.get(d) for d in self._dimensions),
                *(r.outcomes.get(o) for o in self._outcomes),
            )
            for i, r in enumerate(rows)
        ]
        if values:
            placeholders = ", ".join("?" * (1 + len(self._dimensions) + len(self._outcomes)))
            self._db.executemany(f"INSERT INTO people VALUES ({placeholders})", values)  # noqa: S608

    def _group_expression(self, dimension: str) -> str:
        if dimension not in self._dimensions:
            return "?"
        return f"coalesce(nullif({_quote('a:' + dimension)}, ''), ?)"

    def counts_by(self, dimension: str) -> dict[str, int]:
        group = self._group_expression(dimension)
        result = self._db.execute(
            f"SELECT {group} AS g, count(*) FROM people GROUP BY g",  # noqa: S608
            [NOT_RECORDED],
        ).fetchall()
        return {str(g): int(n) for g, n in result}

    def outcome_counts_by(self, dimension: str, outcome: str) -> dict[str, GroupCounts]:
        if outcome not in self._outcomes:
            return {}
        group = self._group_expression(dimension)
        flag = _quote("o:" + outcome)
        result = self._db.execute(
            f"SELECT {group} AS g, count(*) FILTER (WHERE {flag}), count({flag}) "  # noqa: S608
            f"FROM people WHERE {flag} IS NOT NULL GROUP BY g",
            [NOT_RECORDED],
        ).fetchall()
        return {str(g): GroupCounts(int(n), int(d)) for g, n, d in result}
