"""Exact scoring of one administration: total, subscales, severity, validity, risk.

The conventions here are relied on by clinicians, researchers and the safety module, so they are
strict and explicit (issue 3):

* responses are item scores, ``None`` for an unanswered item; with ``encoding="form_position"`` they
  are the 0-based printed position of the ticked box and reverse-keyed items are reversed here;
* a wrong item count or an out-of-range value makes the administration invalid, with a message that
  names the item and the allowed range, and total and severity are then null;
* missing items are pro-rated only where the instrument's authors publish a rule, and otherwise make
  the form invalid; skip logic (AUDIT, C-SSRS) is honoured;
* a risk item with an in-range value at or above its threshold raises ``risk_flag`` even when the
  rest of the form is invalid: safety comes before tidiness.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from withcare.domain.measures.loader import load_instrument
from withcare.domain.measures.model import (
    NOT_APPLICABLE,
    Derived,
    Encoding,
    Instrument,
    Item,
    MissingRuleKind,
)

Number = int | float
ExtraValue = int | float | bool | None


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of scoring one administration of one instrument."""

    instrument: str
    total: Number | None
    severity: str | None
    valid: bool
    errors: tuple[str, ...]
    risk_flag: bool
    risk_items: tuple[int, ...] = ()
    item_scores: tuple[int | None, ...] = ()
    subscales: Mapping[str, int | None] = field(default_factory=dict)
    extras: Mapping[str, ExtraValue] = field(default_factory=dict)

    def as_record(self) -> dict[str, object]:
        """The batch-scoring output line (issue 3 schema), plus the instrument's derived values."""
        record: dict[str, object] = {
            "instrument": self.instrument,
            "total": self.total,
            "severity": self.severity,
            "risk_flag": self.risk_flag,
            "valid": self.valid,
            "errors": list(self.errors),
        }
        if self.subscales:
            record["subscales"] = dict(self.subscales)
        record.update(self.extras)
        return record


@dataclass(frozen=True)
class _Decoded:
    score: int | None = None
    not_applicable: bool = False
    error: str | None = None


@dataclass(frozen=True)
class DecodedResponses:
    """Responses turned into item scores, before any missing-item rule is applied.

    ``errors`` holds wrong-count and out-of-range messages only; ``risk_items`` lists risk items
    answered in range at or above the threshold, whatever else is wrong with the form.
    """

    instrument: Instrument
    scores: tuple[int | None, ...]
    not_applicable: tuple[bool, ...]
    errors: tuple[str, ...]
    risk_items: tuple[int, ...]


def decode_responses(
    instrument_id: str,
    responses: Sequence[object] | object,
    encoding: Encoding | str = Encoding.ITEM_SCORE,
) -> DecodedResponses:
    """Check the count and every value, and map form positions to item scores."""
    instrument = load_instrument(instrument_id)
    try:
        how = Encoding(encoding)
    except ValueError:
        allowed = ", ".join(e.value for e in Encoding)
        message = f"unknown encoding {encoding!r}; allowed: {allowed}"
        return DecodedResponses(instrument, (), (), (message,), ())
    if isinstance(responses, str | bytes) or not isinstance(responses, Sequence):
        message = "responses must be a list with one value per item"
        return DecodedResponses(instrument, (), (), (message,), ())
    errors: list[str] = []
    if len(responses) != instrument.item_count:
        errors.append(
            f"{instrument.short_name} has {instrument.item_count} items: "
            f"expected {instrument.item_count} responses, got {len(responses)}"
        )
    decoded = [
        _decode(item, value, how) for item, value in zip(instrument.items, responses, strict=False)
    ]
    errors.extend(d.error for d in decoded if d.error)
    return DecodedResponses(
        instrument=instrument,
        scores=tuple(d.score for d in decoded),
        not_applicable=tuple(d.not_applicable for d in decoded),
        errors=tuple(errors),
        risk_items=_risk_items(instrument, decoded),
    )


def score(
    instrument_id: str,
    responses: Sequence[object] | object,
    encoding: Encoding | str = Encoding.ITEM_SCORE,
) -> ScoreResult:
    """Score one administration. Raises :class:`UnknownInstrumentError` for an unknown id."""
    decoded = decode_responses(instrument_id, responses, encoding)
    instrument = decoded.instrument
    if decoded.errors:
        return _invalid(instrument, decoded.errors, decoded.risk_items, decoded.scores)

    scores = list(decoded.scores)
    _apply_skips(instrument, scores, decoded.not_applicable)
    missing = [
        item.number
        for item, na, s in zip(instrument.items, decoded.not_applicable, scores, strict=True)
        if s is None and not na
    ]
    missing_error = _missing_error(instrument, missing)
    if missing_error:
        return _invalid(instrument, [missing_error], decoded.risk_items, decoded.scores)

    total = _total(instrument, scores, decoded.not_applicable, missing)
    extras = _derived(instrument, total, scores)
    if instrument.missing.kind is MissingRuleKind.PRORATE:
        extras["prorated"] = bool(missing)
    return ScoreResult(
        instrument=instrument.id,
        total=total,
        severity=_severity(instrument, total, scores),
        valid=True,
        errors=(),
        risk_flag=bool(decoded.risk_items),
        risk_items=decoded.risk_items,
        item_scores=tuple(scores),
        subscales=_subscales(instrument, scores),
        extras=extras,
    )


def _decode(item: Item, value: object, encoding: Encoding) -> _Decoded:
    """Turn one response value into the item's score, or explain why it is not allowed."""
    if value is None:
        return _Decoded()
    if value == NOT_APPLICABLE and item.allow_not_applicable:
        return _Decoded(not_applicable=True)
    if encoding is Encoding.FORM_POSITION:
        what, allowed = "form position", tuple(range(len(item.options)))
    else:
        what, allowed = "score", item.allowed_scores
    expected = _describe(allowed)
    if isinstance(value, bool) or not isinstance(value, int):
        na = f" or {NOT_APPLICABLE!r}" if item.allow_not_applicable else ""
        return _Decoded(
            error=f"item {item.number}: {value!r} is not a whole number; {what} allowed: "
            f"{expected}{na}"
        )
    if value not in allowed:
        return _Decoded(
            error=f"item {item.number}: {what} {value} is outside the allowed {expected}"
        )
    if encoding is Encoding.FORM_POSITION:
        return _Decoded(score=item.options[value].score)
    return _Decoded(score=value)


def _describe(allowed: tuple[int, ...]) -> str:
    if list(allowed) == list(range(allowed[0], allowed[-1] + 1)):
        return f"range {allowed[0]}-{allowed[-1]}"
    return "values " + ", ".join(str(v) for v in allowed)


def _risk_items(instrument: Instrument, decoded: Sequence[_Decoded]) -> tuple[int, ...]:
    """Risk items answered in range at or above the threshold, whatever else is wrong."""
    return tuple(
        item.number
        for item, d in zip(instrument.items, decoded, strict=False)
        if item.risk and d.score is not None and d.score >= instrument.risk_threshold
    )


def _apply_skips(
    instrument: Instrument, scores: list[int | None], not_applicable: Sequence[bool]
) -> None:
    """Score 0 for items the form told the person to skip; answers given anyway are kept."""
    for condition in instrument.missing.skips:
        values = [scores[n - 1] for n in condition.when_items]
        if all(v is not None for v in values) and sum(v or 0 for v in values) == condition.equals:
            for number in condition.skip:
                if scores[number - 1] is None and not not_applicable[number - 1]:
                    scores[number - 1] = 0


def _missing_error(instrument: Instrument, missing: Sequence[int]) -> str | None:
    if not missing:
        return None
    rule = instrument.missing
    listed = ", ".join(str(n) for n in missing)
    if rule.kind is MissingRuleKind.PRORATE:
        if len(missing) <= rule.max_missing:
            return None
        return (
            f"{len(missing)} items are missing (items {listed}); {instrument.short_name} is scored "
            f"with at most {rule.max_missing} missing"
        )
    if rule.kind is MissingRuleKind.SKIP_LOGIC:
        return f"item(s) {listed} missing and not skipped by the {instrument.short_name} skip rules"
    return (
        f"item(s) {listed} missing; {instrument.short_name} has no published rule for missing "
        "items, so every item must be answered"
    )


def _total(
    instrument: Instrument,
    scores: Sequence[int | None],
    not_applicable: Sequence[bool],
    missing: Sequence[int],
) -> Number | None:
    if not instrument.has_total:
        return None
    answered = [s for s in scores if s is not None]
    if not missing:
        return sum(answered)
    counted = sum(1 for na in not_applicable if not na)
    exact = Fraction(sum(answered), len(answered)) * counted
    if instrument.missing.round_half_up:
        return math.floor(exact + Fraction(1, 2))
    return _plain(exact)


def _plain(value: Fraction) -> Number:
    return value.numerator if value.denominator == 1 else float(value)


def _severity(
    instrument: Instrument, total: Number | None, scores: Sequence[int | None]
) -> str | None:
    rules = instrument.severity
    if rules.triage:
        for rule in rules.triage:
            if any((scores[n - 1] or 0) >= at_least for n, at_least in rule.any_item_at_least):
                return rule.label
        return rules.default_label
    if total is None or not rules.bands:
        return None
    label = rules.bands[0].label
    for band in rules.bands:
        if total >= band.minimum:
            label = band.label
    return label


def _subscales(instrument: Instrument, scores: Sequence[int | None]) -> dict[str, int | None]:
    result: dict[str, int | None] = {}
    for subscale in instrument.subscales:
        values = [scores[n - 1] for n in subscale.items]
        result[subscale.name] = None if None in values else sum(v or 0 for v in values)
    return result


def _derived(
    instrument: Instrument, total: Number | None, scores: Sequence[int | None]
) -> dict[str, ExtraValue]:
    return {d.name: _derive(instrument, d, total, scores) for d in instrument.derived}


def _derive(
    instrument: Instrument, derived: Derived, total: Number | None, scores: Sequence[int | None]
) -> ExtraValue:
    answered = [s for s in scores if s is not None]
    if derived.kind == "conversion":
        return dict(derived.table).get(int(total)) if isinstance(total, int) else None
    if derived.kind == "multiply":
        return None if total is None else _plain(Fraction(total) * Fraction(derived.factor))
    if derived.kind == "any_item_at_most":
        return any(s <= derived.threshold for s in answered)
    if derived.kind == "symptom_clusters":
        return all(
            sum(1 for n in sub.items if (scores[n - 1] or 0) >= derived.threshold)
            >= (sub.minimum_symptoms or 0)
            for sub in instrument.subscales
        )
    raise ValueError(f"unknown derived kind {derived.kind!r}")


def _invalid(
    instrument: Instrument,
    errors: Sequence[str],
    risk_items: tuple[int, ...] = (),
    item_scores: Sequence[int | None] = (),
) -> ScoreResult:
    extras: dict[str, ExtraValue] = {d.name: None for d in instrument.derived}
    if instrument.missing.kind is MissingRuleKind.PRORATE:
        extras["prorated"] = None
    return ScoreResult(
        instrument=instrument.id,
        total=None,
        severity=None,
        valid=False,
        errors=tuple(errors),
        risk_flag=bool(risk_items),
        risk_items=risk_items,
        item_scores=tuple(item_scores),
        subscales={sub.name: None for sub in instrument.subscales},
        extras=extras,
    )


def score_text(total: float | None) -> str:
    """A total as people read it: whole numbers without ".0", pro-rated totals to six significant
    figures ("13.5", not "13.500000000000002"); empty when there is no valid total."""
    if total is None:
        return ""
    return str(int(total)) if float(total).is_integer() else f"{total:g}"
