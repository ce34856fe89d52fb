"""Self-assessment: answer the facts once, see every framework's result and every gap.

The report is a plain dictionary first (so the JSON export, the HTML page and a future PDF all
show exactly the same thing) and then rendered. Answers that fail validation are not dropped
silently: they are listed in the report as "answers we could not use".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from withcare.domain.registry.classification import Classification, classify_all
from withcare.domain.registry.facts import fact_catalogue, validate_answers
from withcare.domain.registry.frameworks import FrameworkResult, Gap, evaluate, frameworks
from withcare.domain.registry.model import FactValue


@dataclass(frozen=True)
class SelfAssessment:
    technology: str
    produced_at: datetime
    facts: Mapping[str, FactValue]
    rejected_answers: tuple[str, ...]
    classifications: tuple[Classification, ...]
    results: tuple[FrameworkResult, ...]

    @property
    def gaps(self) -> tuple[Gap, ...]:
        catalogue = fact_catalogue()
        classification_gaps = tuple(
            Gap(
                framework_id=c.scheme.value,
                criterion_id=c.scheme.value,
                text=f"{c.scheme.value} cannot be worked out yet",
                missing_facts=c.missing,
                how_to_close="Answer: " + " ".join(catalogue[key].question for key in c.missing),
            )
            for c in self.classifications
            if not c.determined
        )
        return classification_gaps + tuple(gap for r in self.results for gap in r.gaps)


def derived_context(classifications: tuple[Classification, ...]) -> dict[str, object]:
    """Classifications as ``derived.<scheme>`` keys, so frameworks can depend on them."""
    return {f"derived.{c.scheme.value}": c.value for c in classifications if c.determined}


def self_assess(
    answers: Mapping[str, object],
    *,
    technology: str,
    at: datetime,
    regulated_as_device: bool = False,
) -> SelfAssessment:
    """Validate the answers, derive every classification and answer every framework."""
    facts, rejected = validate_answers(answers)
    classifications = classify_all(facts, regulated_as_device=regulated_as_device)
    context: dict[str, object] = {**facts, **derived_context(classifications)}
    results = tuple(evaluate(fw, context) for fw in frameworks())
    return SelfAssessment(technology, at, facts, tuple(rejected), classifications, results)


def _jsonable(value: FactValue) -> object:
    return list(value) if isinstance(value, tuple) else value


def assessment_to_dict(assessment: SelfAssessment) -> dict[str, Any]:
    return {
        "technology": assessment.technology,
        "produced_at": assessment.produced_at.isoformat(),
        "facts": {key: _jsonable(value) for key, value in sorted(assessment.facts.items())},
        "rejected_answers": list(assessment.rejected_answers),
        "classifications": [
            {
                "scheme": c.scheme.value,
                "value": c.value,
                "rule_version": c.rule_version,
                "reasons": list(c.reasons),
                "missing": list(c.missing),
                "source": c.source,
            }
            for c in assessment.classifications
        ],
        "frameworks": [
            {
                "id": r.framework.id,
                "title": r.framework.title,
                "source": r.framework.source,
                "confidence": r.framework.confidence,
                "overall": r.overall,
                "sections": [
                    {
                        "id": s.section.id,
                        "title": s.section.title,
                        "status": s.status,
                        "criteria": [
                            {
                                "id": c.criterion.id,
                                "text": c.criterion.text,
                                "outcome": c.outcome.value,
                                "missing": list(c.missing),
                            }
                            for c in s.criteria
                        ],
                    }
                    for s in r.sections
                ],
            }
            for r in assessment.results
        ],
        "gaps": [
            {
                "framework": g.framework_id,
                "criterion": g.criterion_id,
                "text": g.text,
                "missing_facts": list(g.missing_facts),
                "how_to_close": g.how_to_close,
            }
            for g in assessment.gaps
        ],
    }


def assessment_to_json(assessment: SelfAssessment) -> str:
    return json.dumps(assessment_to_dict(assessment), indent=2, ensure_ascii=False)


_environment = Environment(
    loader=PackageLoader("withcare.domain.registry", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def assessment_to_html(assessment: SelfAssessment) -> str:
    """A self-contained, script-free HTML report (print it to PDF from any browser)."""
    template = _environment.get_template("assessment.html")
    return template.render(a=assessment_to_dict(assessment))
