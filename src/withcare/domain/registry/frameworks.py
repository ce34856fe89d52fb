"""Evaluation frameworks as data, and one engine that answers all of them from the same facts.

A framework file (``data/frameworks/*.toml``) lists sections and criteria. A criterion names the
facts it reads and the condition each must satisfy; it may apply only when a condition holds (for
example only to NICE tier C). Criteria we could not map honestly to facts are marked ``manual``:
they are shown as needing an evaluator's judgement, never silently passed.

Section scoring:

* ``questions`` - the framework asks, it does not judge (APA, MIND): answered or not;
* ``pass_fail`` - every applicable criterion must be met (DTAC C1-C4, NICE ESF);
* ``points`` - met criteria add their points (DTAC D1, our privacy transparency rating).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from withcare.domain.registry.facts import fact_catalogue

Context = Mapping[str, object]


class Op(StrEnum):
    PRESENT = "present"
    IS_TRUE = "is_true"
    IS_FALSE = "is_false"
    EQUALS = "equals"
    IN = "in"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    NOT_EMPTY = "not_empty"


@dataclass(frozen=True)
class Condition:
    key: str
    op: Op
    value: object = None

    def holds(self, context: Context) -> bool | None:
        """True/False, or None when the fact is unknown (so the caller can say so)."""
        if self.key not in context:
            return None
        actual = context[self.key]
        if actual is None:
            return None
        match self.op:
            case Op.PRESENT:
                return True
            case Op.IS_TRUE:
                return actual is True
            case Op.IS_FALSE:
                return actual is False
            case Op.EQUALS:
                return bool(actual == self.value)
            case Op.IN:
                return isinstance(self.value, list | tuple) and actual in self.value
            case Op.AT_LEAST | Op.AT_MOST:
                have, want = _number(actual), _number(self.value)
                if have is None or want is None:
                    return False
                return have >= want if self.op is Op.AT_LEAST else have <= want
            case Op.NOT_EMPTY:
                return isinstance(actual, list | tuple) and len(actual) > 0


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


class Scoring(StrEnum):
    QUESTIONS = "questions"
    PASS_FAIL = "pass_fail"  # noqa: S105 - a scoring mode, not a password
    POINTS = "points"


@dataclass(frozen=True)
class Criterion:
    id: str
    text: str
    expect: tuple[Condition, ...]
    applies_when: tuple[Condition, ...]
    close_gap: str | None
    points: int
    manual: bool

    @property
    def fact_keys(self) -> tuple[str, ...]:
        return tuple(condition.key for condition in self.expect)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    scoring: Scoring
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Band:
    at_least: float
    label: str


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    source: str
    confidence: str
    overall: str
    sections: tuple[Section, ...]
    bands: tuple[Band, ...] = ()
    note: str | None = None


def _conditions(raw: Sequence[Mapping[str, Any]]) -> tuple[Condition, ...]:
    return tuple(Condition(c["key"], Op(c["op"]), c.get("value")) for c in raw)


def parse_framework(raw: Mapping[str, Any]) -> Framework:
    """Build a framework from its TOML table, checking every fact key against the catalogue."""
    catalogue = fact_catalogue()
    sections: list[Section] = []
    for raw_section in raw["sections"]:
        criteria: list[Criterion] = []
        for c in raw_section["criteria"]:
            criterion = Criterion(
                id=f"{raw_section['id']}.{c['id']}",
                text=c["text"],
                expect=_conditions(c.get("expect", ())),
                applies_when=_conditions(c.get("applies_when", ())),
                close_gap=c.get("close_gap"),
                points=int(c.get("points", 1)),
                manual=bool(c.get("manual", False)),
            )
            if not criterion.manual and not criterion.expect:
                raise ValueError(f"{raw['id']}:{criterion.id} reads no facts and is not manual")
            for key in criterion.fact_keys:
                if key not in catalogue:
                    raise ValueError(f"{raw['id']}:{criterion.id} reads unknown fact {key!r}")
            criteria.append(criterion)
        sections.append(
            Section(
                raw_section["id"],
                raw_section["title"],
                Scoring(raw_section["scoring"]),
                tuple(criteria),
            )
        )
    return Framework(
        id=raw["id"],
        title=raw["title"],
        source=raw["source"],
        confidence=raw["confidence"],
        overall=raw["overall"],
        sections=tuple(sections),
        bands=tuple(Band(float(b["at_least"]), b["label"]) for b in raw.get("bands", ())),
        note=raw.get("note"),
    )


@cache
def frameworks() -> tuple[Framework, ...]:
    """All frameworks shipped with Withcare, in file-name order."""
    folder = resources.files("withcare.domain.registry").joinpath("data/frameworks")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    return tuple(parse_framework(tomllib.loads(f.read_text("utf-8"))) for f in files)


def framework(framework_id: str) -> Framework:
    for candidate in frameworks():
        if candidate.id == framework_id:
            return candidate
    raise KeyError(framework_id)


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    ANSWERED = "answered"
    NOT_APPLICABLE = "not_applicable"
    NEEDS_REVIEW = "needs_review"


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    outcome: Outcome
    missing: tuple[str, ...]
    failed: tuple[str, ...]

    @property
    def is_gap(self) -> bool:
        return self.outcome in (Outcome.NOT_MET, Outcome.UNKNOWN)


@dataclass(frozen=True)
class SectionResult:
    section: Section
    criteria: tuple[CriterionResult, ...]
    status: str
    points: int
    possible: int


@dataclass(frozen=True)
class Gap:
    framework_id: str
    criterion_id: str
    text: str
    missing_facts: tuple[str, ...]
    how_to_close: str


@dataclass(frozen=True)
class FrameworkResult:
    framework: Framework
    sections: tuple[SectionResult, ...]
    overall: str
    gaps: tuple[Gap, ...]


def _evaluate_criterion(
    criterion: Criterion, scoring: Scoring, context: Context
) -> CriterionResult:
    applies = [condition.holds(context) for condition in criterion.applies_when]
    if any(value is False for value in applies):
        return CriterionResult(criterion, Outcome.NOT_APPLICABLE, (), ())
    if any(value is None for value in applies):
        unknown = tuple(
            c.key for c, v in zip(criterion.applies_when, applies, strict=True) if v is None
        )
        return CriterionResult(criterion, Outcome.UNKNOWN, unknown, ())
    if criterion.manual:
        return CriterionResult(criterion, Outcome.NEEDS_REVIEW, (), ())
    results = [condition.holds(context) for condition in criterion.expect]
    missing = tuple(c.key for c, v in zip(criterion.expect, results, strict=True) if v is None)
    failed = tuple(c.key for c, v in zip(criterion.expect, results, strict=True) if v is False)
    if failed:
        return CriterionResult(criterion, Outcome.NOT_MET, missing, failed)
    if missing:
        return CriterionResult(criterion, Outcome.UNKNOWN, missing, ())
    outcome = Outcome.ANSWERED if scoring is Scoring.QUESTIONS else Outcome.MET
    return CriterionResult(criterion, outcome, (), ())


def _section_status(section: Section, results: Sequence[CriterionResult]) -> tuple[str, int, int]:
    applicable = [r for r in results if r.outcome is not Outcome.NOT_APPLICABLE]
    possible = sum(r.criterion.points for r in applicable if not r.criterion.manual)
    points = sum(
        r.criterion.points for r in applicable if r.outcome in (Outcome.MET, Outcome.ANSWERED)
    )
    outcomes = {r.outcome for r in applicable}
    if section.scoring is Scoring.QUESTIONS:
        answered = sum(1 for r in applicable if r.outcome is Outcome.ANSWERED)
        return f"{answered} of {len(applicable)} answered", points, possible
    if section.scoring is Scoring.POINTS:
        percent = round(100 * points / possible) if possible else 0
        return f"{points} of {possible} points ({percent}%)", points, possible
    if Outcome.NOT_MET in outcomes:
        return "fail", points, possible
    if outcomes & {Outcome.UNKNOWN, Outcome.NEEDS_REVIEW}:
        return "incomplete", points, possible
    return "pass", points, possible


def _overall(fw: Framework, sections: Sequence[SectionResult]) -> str:
    if fw.overall == "none":
        return "no overall score (by design)"
    if fw.overall == "bands":
        points = sum(s.points for s in sections)
        possible = sum(s.possible for s in sections)
        percent = 100 * points / possible if possible else 0
        label = next(b.label for b in fw.bands if percent >= b.at_least)
        unknown = any(r.outcome is Outcome.UNKNOWN for s in sections for r in s.criteria)
        return f"{label} ({round(percent)}%)" + (
            ", provisional: some answers missing" if unknown else ""
        )
    judged = [s for s in sections if s.section.scoring is Scoring.PASS_FAIL]
    statuses = {s.status for s in judged}
    if "fail" in statuses:
        return "fail"
    if "incomplete" in statuses:
        return "incomplete"
    return "pass"


def _close_gap_text(result: CriterionResult) -> str:
    if result.criterion.close_gap and result.outcome is Outcome.NOT_MET:
        return result.criterion.close_gap
    catalogue = fact_catalogue()
    questions = [catalogue[key].question for key in result.missing if key in catalogue]
    if questions:
        answer = "Answer: " + " ".join(questions)
        return f"{answer} {result.criterion.close_gap}" if result.criterion.close_gap else answer
    return result.criterion.close_gap or "Provide the missing information."


def evaluate(fw: Framework, context: Context) -> FrameworkResult:
    """Answer one framework from the facts (and derived classes, keyed ``derived.<scheme>``)."""
    section_results: list[SectionResult] = []
    gaps: list[Gap] = []
    for section in fw.sections:
        results = tuple(_evaluate_criterion(c, section.scoring, context) for c in section.criteria)
        status, points, possible = _section_status(section, results)
        section_results.append(SectionResult(section, results, status, points, possible))
        gaps.extend(
            Gap(fw.id, r.criterion.id, r.criterion.text, r.missing, _close_gap_text(r))
            for r in results
            if r.is_gap
        )
    return FrameworkResult(fw, tuple(section_results), _overall(fw, section_results), tuple(gaps))
