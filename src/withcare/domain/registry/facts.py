"""The fact catalogue and the versioned fact ledger.

A developer answers each question once; every framework reads the same answer. The catalogue
(``data/facts.toml``) says which questions exist and what a valid answer looks like. The ledger
keeps every answer ever given, with who gave it, when, and what it replaced, so an evaluator can
see how a technology's story changed and nobody can quietly rewrite it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from withcare.domain.registry.model import Fact, FactValue, Provenance
from withcare.domain.registry.vocabulary import SuppliedBy
from withcare.domain.roles import Role


class AnswerType(StrEnum):
    BOOL = "bool"
    INT = "int"
    TEXT = "text"
    URL = "url"
    DATE = "date"
    CHOICE = "choice"
    CHOICES = "choices"


@dataclass(frozen=True)
class FactDefinition:
    key: str
    answer_type: AnswerType
    question: str
    group: str
    options: tuple[str, ...] = ()

    def check(self, value: object) -> FactValue:
        """Return ``value`` in canonical form, or raise ``ValueError`` saying what is wrong."""
        kind = self.answer_type
        if kind is AnswerType.BOOL:
            if isinstance(value, bool):
                return value
            raise ValueError(f"{self.key} must be true or false")
        if kind is AnswerType.INT:
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return value
            raise ValueError(f"{self.key} must be a whole number of 0 or more")
        if kind in (AnswerType.TEXT, AnswerType.URL, AnswerType.DATE, AnswerType.CHOICE):
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{self.key} must be a non-empty text")
            text = value.strip()
            if kind is AnswerType.URL and not re.fullmatch(r"https?://\S+", text):
                raise ValueError(f"{self.key} must be a web address starting http:// or https://")
            if kind is AnswerType.DATE:
                try:
                    date.fromisoformat(text)
                except ValueError:
                    raise ValueError(f"{self.key} must be a date written YYYY-MM-DD") from None
            if kind is AnswerType.CHOICE and text not in self.options:
                raise ValueError(f"{self.key} must be one of: {', '.join(self.options)}")
            return text
        # CHOICES: a list of words, each from the options when options are given.
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise ValueError(f"{self.key} must be a list")
        items = tuple(str(item).strip() for item in value)
        if any(not item for item in items):
            raise ValueError(f"{self.key} must not contain empty items")
        if self.options:
            unknown = [item for item in items if item not in self.options]
            if unknown:
                raise ValueError(
                    f"{self.key} has unknown item(s) {', '.join(unknown)}; "
                    f"allowed: {', '.join(self.options)}"
                )
        return tuple(dict.fromkeys(items))


@cache
def fact_catalogue() -> Mapping[str, FactDefinition]:
    """Every fact the registry knows, keyed by its dotted name (read once from the data file)."""
    raw = tomllib.loads(
        resources.files("withcare.domain.registry").joinpath("data/facts.toml").read_text("utf-8")
    )
    catalogue: dict[str, FactDefinition] = {}

    def walk(prefix: str, node: Mapping[str, Any]) -> None:
        if "type" in node:
            catalogue[prefix] = FactDefinition(
                key=prefix,
                answer_type=AnswerType(node["type"]),
                question=node["question"],
                group=node["group"],
                options=tuple(node.get("options", ())),
            )
            return
        for name, child in node.items():
            walk(f"{prefix}.{name}" if prefix else name, child)

    walk("", raw)
    return catalogue


def check_fact(key: str, value: object) -> FactValue:
    """Validate one answer against the catalogue (unknown keys are refused, not stored)."""
    definition = fact_catalogue().get(key)
    if definition is None:
        raise ValueError(f"unknown fact {key!r}")
    return definition.check(value)


@dataclass(frozen=True)
class FactEntry:
    """One version of one fact. ``previous`` is the value it replaced (None for the first)."""

    key: str
    value: FactValue | None
    previous: FactValue | None
    version: int
    recorded_by: str
    recorded_at: datetime
    provenance: Provenance
    note: str | None = None


class FactPermissionError(PermissionError):
    """Raised when someone without the evaluator role tries to verify a fact."""


@dataclass(frozen=True)
class FactLedger:
    """Append-only history of one technology's facts. Every change returns a new ledger."""

    technology_id: str
    entries: tuple[FactEntry, ...] = field(default=())

    def current(self) -> dict[str, FactValue]:
        """The latest value of each fact that has not been retracted."""
        values: dict[str, FactValue] = {}
        for entry in self.entries:
            if entry.value is None:
                values.pop(entry.key, None)
            else:
                values[entry.key] = entry.value
        return values

    def latest(self, key: str) -> FactEntry | None:
        for entry in reversed(self.entries):
            if entry.key == key:
                return entry
        return None

    def history(self, key: str) -> tuple[FactEntry, ...]:
        return tuple(entry for entry in self.entries if entry.key == key)

    def record(
        self,
        key: str,
        value: object,
        *,
        by: str,
        at: datetime,
        provenance: Provenance,
        note: str | None = None,
    ) -> FactLedger:
        """Answer (or re-answer) a fact. Unchanged answers with unchanged sources are no-ops."""
        checked = check_fact(key, value)
        previous = self.latest(key)
        if previous is not None and previous.value == checked and previous.provenance == provenance:
            return self
        return self._append(key, checked, by=by, at=at, provenance=provenance, note=note)

    def retract(self, key: str, *, by: str, at: datetime, reason: str) -> FactLedger:
        """Withdraw a fact (it becomes unknown again); the old value stays in the history."""
        previous = self.latest(key)
        if previous is None or previous.value is None:
            raise KeyError(f"{key} has no value to retract")
        if not reason.strip():
            raise ValueError("retracting a fact needs a reason")
        return self._append(
            key, None, by=by, at=at, provenance=previous.provenance, note=reason.strip()
        )

    def verify(self, key: str, *, evaluator: str, role: Role, at: datetime) -> FactLedger:
        """An evaluator confirms the current value; recorded as a new version, value unchanged."""
        if role is not Role.TECHNOLOGY_EVALUATOR:
            raise FactPermissionError("only a technology evaluator can verify facts")
        previous = self.latest(key)
        if previous is None or previous.value is None:
            raise KeyError(f"{key} has no value to verify")
        provenance = previous.provenance.model_copy(
            update={"verified_by": evaluator, "verified_on": at.date()}
        )
        return self._append(
            key, previous.value, by=evaluator, at=at, provenance=provenance, note="verified"
        )

    def _append(
        self,
        key: str,
        value: FactValue | None,
        *,
        by: str,
        at: datetime,
        provenance: Provenance,
        note: str | None,
    ) -> FactLedger:
        if at.tzinfo is None:
            raise ValueError("fact changes need a timezone-aware time")
        previous = self.latest(key)
        if previous is not None and at < previous.recorded_at:
            raise ValueError("a fact change cannot be dated before the change it follows")
        entry = FactEntry(
            key=key,
            value=value,
            previous=None if previous is None else previous.value,
            version=1 if previous is None else previous.version + 1,
            recorded_by=by,
            recorded_at=at,
            provenance=provenance,
            note=note,
        )
        return FactLedger(self.technology_id, (*self.entries, entry))


def developer_answer(source_url: str | None = None) -> Provenance:
    """Provenance for an answer typed in by the developer in the self-assessment wizard."""
    return Provenance(supplied_by=SuppliedBy.DEVELOPER, source_url=source_url)


def validate_answers(answers: Mapping[str, object]) -> tuple[dict[str, FactValue], list[str]]:
    """Check a whole set of answers at once; return the valid ones and one message per problem."""
    valid: dict[str, FactValue] = {}
    problems: list[str] = []
    for key, value in answers.items():
        try:
            valid[key] = check_fact(key, value)
        except ValueError as error:
            problems.append(str(error))
    return valid, problems


def ledger_from_facts(
    technology_id: str, facts: Iterable[Fact], *, by: str, at: datetime
) -> FactLedger:
    """Start a ledger from stored or imported fact records (each becomes version 1)."""
    ledger = FactLedger(technology_id)
    for fact in facts:
        if fact.technology_id != technology_id:
            raise ValueError(f"fact {fact.id} belongs to {fact.technology_id}, not {technology_id}")
        value = list(fact.value) if isinstance(fact.value, tuple) else fact.value
        ledger = ledger.record(fact.key, value, by=by, at=at, provenance=fact.provenance)
    return ledger


def ledger_to_facts(ledger: FactLedger) -> tuple[Fact, ...]:
    """The current value of each fact as records, ids ``<technology>:<key>`` (for export)."""
    facts = []
    for key, value in sorted(ledger.current().items()):
        entry = ledger.latest(key)
        assert entry is not None  # current() only holds keys with entries
        facts.append(
            Fact(
                id=f"{ledger.technology_id}:{key}",
                technology_id=ledger.technology_id,
                key=key,
                value=value,
                provenance=entry.provenance,
            )
        )
    return tuple(facts)
