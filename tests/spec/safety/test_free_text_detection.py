"""Free-text risk detection against the project's labelled sentences.

Three sets: ``risk_sentences.csv`` (the development set the rules were tuned on),
``risk_sentences_holdout.csv`` (first measured blind, then used for tuning) and
``risk_sentences_blind2.csv`` (kept blind: never tune the rules against it). The measured
tables are also written in docs/safety/free-text-detection.md; the test fails if the document states
figures the code no longer achieves (regenerate with WITHCARE_REGENERATE_DOCS=1).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from withcare.domain.safety.text_risk import evaluate_text

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "safety"
SETS = {
    "development": DATA / "risk_sentences.csv",
    "holdout": DATA / "risk_sentences_holdout.csv",
    "blind": DATA / "risk_sentences_blind2.csv",
}
DOC = ROOT / "docs" / "safety" / "free-text-detection.md"
LABELS = (
    "explicit_current",
    "indirect_current",
    "past",
    "negated",
    "idiom",
    "third_party",
    "none",
)


@dataclass(frozen=True)
class Row:
    text: str
    label: str
    expected: bool


@dataclass(frozen=True)
class Tally:
    name: str
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        flagged = self.tp + self.fp
        return None if flagged == 0 else self.tp / flagged

    @property
    def recall(self) -> float | None:
        positives = self.tp + self.fn
        return None if positives == 0 else self.tp / positives

    @property
    def specificity(self) -> float | None:
        negatives = self.tn + self.fp
        return None if negatives == 0 else self.tn / negatives


def load_rows(path: Path) -> list[Row]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Row(r["text"], r["label"], r["expected_risk"] == "1") for r in csv.DictReader(handle)
        ]


def tally(name: str, rows: Sequence[Row], flagged: dict[str, bool]) -> Tally:
    tp = sum(1 for r in rows if r.expected and flagged[r.text])
    fp = sum(1 for r in rows if not r.expected and flagged[r.text])
    fn = sum(1 for r in rows if r.expected and not flagged[r.text])
    return Tally(name, tp, fp, fn, len(rows) - tp - fp - fn)


def measure(path: Path) -> list[Tally]:
    rows = load_rows(path)
    flagged = {r.text: bool(evaluate_text(r.text)) for r in rows}
    tallies = [tally(label, [r for r in rows if r.label == label], flagged) for label in LABELS]
    return [*tallies, tally("overall", rows, flagged)]


def render(tallies: Sequence[Tally]) -> str:
    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    lines = [
        "| category | n | flagged | TP | FP | FN | TN | precision | recall | specificity |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {t.name} | {t.n} | {t.tp + t.fp} | {t.tp} | {t.fp} | {t.fn} | {t.tn} "
        f"| {fmt(t.precision)} | {fmt(t.recall)} | {fmt(t.specificity)} |"
        for t in tallies
    ]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def measured() -> dict[str, list[Tally]]:
    results = {name: measure(path) for name, path in SETS.items()}
    for name, tallies in results.items():
        print(f"\n{name}: {SETS[name].name}\n{render(tallies)}")
    return results


@pytest.fixture(scope="module")
def tallies(measured: dict[str, list[Tally]]) -> list[Tally]:
    return measured["development"]


def by_name(tallies: Sequence[Tally], name: str) -> Tally:
    return next(t for t in tallies if t.name == name)


@pytest.mark.parametrize("name", sorted(SETS))
def test_the_labelled_sets_are_well_formed(name: str) -> None:
    rows = load_rows(SETS[name])
    assert {r.label for r in rows} == set(LABELS)
    assert len({r.text for r in rows}) == len(rows), "duplicate sentences inflate the figures"
    for r in rows:
        assert r.expected == (r.label in ("explicit_current", "indirect_current")), r.text


def test_the_sets_are_large_and_do_not_overlap() -> None:
    assert len(load_rows(SETS["development"])) >= 300
    seen: set[str] = set()
    for path in SETS.values():
        texts = {r.text.lower() for r in load_rows(path)}
        assert not seen & texts, f"{path.name} repeats sentences from another set"
        seen |= texts


def test_recall_on_explicit_current_risk_is_at_least_095(tallies: list[Tally]) -> None:
    explicit = by_name(tallies, "explicit_current")
    assert explicit.recall is not None
    assert explicit.recall >= 0.95, render(tallies)


def test_indirect_risk_recall_does_not_regress(tallies: list[Tally]) -> None:
    indirect = by_name(tallies, "indirect_current")
    assert indirect.recall is not None
    assert indirect.recall >= 0.85, render(tallies)


@pytest.mark.parametrize("label", ["past", "negated", "idiom", "third_party", "none"])
def test_context_handling_keeps_false_alarms_rare(tallies: list[Tally], label: str) -> None:
    category = by_name(tallies, label)
    assert category.specificity is not None
    assert category.specificity >= 0.85, render(tallies)


def test_overall_precision_does_not_regress(tallies: list[Tally]) -> None:
    overall = by_name(tallies, "overall")
    assert overall.precision is not None
    assert overall.precision >= 0.9, render(tallies)


def test_holdout_explicit_recall_does_not_regress(measured: dict[str, list[Tally]]) -> None:
    explicit = by_name(measured["holdout"], "explicit_current")
    assert explicit.recall is not None
    assert explicit.recall >= 0.85, render(measured["holdout"])


def test_blind_set_recall_does_not_regress(measured: dict[str, list[Tally]]) -> None:
    """A floor at the measured blind level: it catches regressions, it is not a target."""
    blind = measured["blind"]
    explicit = by_name(blind, "explicit_current")
    assert explicit.recall is not None
    assert explicit.recall >= 0.6, render(blind)


@pytest.mark.parametrize("name", sorted(SETS))
def test_documented_figures_match_the_measured_ones(
    measured: dict[str, list[Tally]], name: str
) -> None:
    start_mark, end_mark = f"<!-- measured:{name}:start -->", f"<!-- measured:{name}:end -->"
    table = f"{start_mark}\n{render(measured[name])}\n{end_mark}"
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(start_mark), text.index(end_mark) + len(end_mark)
    if os.environ.get("WITHCARE_REGENERATE_DOCS") == "1":
        text = text[:start] + table + text[end:]
        DOC.write_text(text, encoding="utf-8")
        end = start + len(table)
    assert text[start:end] == table, "docs/safety/free-text-detection.md is stale"
