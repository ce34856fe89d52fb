"""Risk flags from questionnaire answers, and the "I need help now" button.

Responses are the scored item values, item 1 first, ``None`` for an unanswered item. Malformed
responses raise :class:`InvalidResponsesError` instead of being read as "no risk": the measurement
layer must have validated them already, so a mismatch here is a bug to surface, not a case to guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from withcare.domain.safety.errors import InvalidResponsesError
from withcare.domain.safety.rules import (
    InstrumentRule,
    InstrumentSpec,
    RuleSet,
    canonical_instrument_key,
    default_rule_set,
)
from withcare.domain.safety.signals import RiskSignal, Severity, SignalSource

CSSRS_SCREENER = "cssrs_screener"


class CssrsLevel(StrEnum):
    """C-SSRS screener triage level (none when every answer is "no")."""

    NONE = "none"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


def resolve_instrument(
    instrument_id: str, rule_set: RuleSet | None = None
) -> InstrumentSpec | None:
    """The instrument with risk rules that ``instrument_id`` names, or ``None`` if it has none.

    Spelling is folded ("PHQ-9" = "phq9") so a naming mismatch between measurement and safety
    cannot make a risk item invisible.
    """
    rules = rule_set or default_rule_set()
    key = canonical_instrument_key(instrument_id)
    for spec in rules.instruments.values():
        if key in {canonical_instrument_key(name) for name in (spec.id, *spec.aliases)}:
            return spec
    return None


def has_risk_rules(instrument_id: str, rule_set: RuleSet | None = None) -> bool:
    """Whether answers to this instrument are checked for risk (for a start-up cross-check)."""
    return resolve_instrument(instrument_id, rule_set) is not None


def evaluate_instrument_risk(
    instrument_id: str,
    responses: Sequence[int | None],
    rule_set: RuleSet | None = None,
) -> list[RiskSignal]:
    """Every risk rule the responses trigger; an empty list for instruments without risk items."""
    rules = rule_set or default_rule_set()
    spec = resolve_instrument(instrument_id, rules)
    if spec is None:
        return []
    return [_signal(rule, rules.version, items) for rule, items in _fired(rules, spec, responses)]


def cssrs_screener_level(
    responses: Sequence[int | None], rule_set: RuleSet | None = None
) -> CssrsLevel:
    """The published C-SSRS screener triage level, derived from the same rules that raise signals.

    Unanswered questions do not raise the level: they raise their own low-urgency check instead.
    """
    rules = rule_set or default_rule_set()
    spec = rules.instruments[CSSRS_SCREENER]
    fired = [rule for rule, _ in _fired(rules, spec, responses) if not rule.when_unanswered]
    if not fired:
        return CssrsLevel.NONE
    return CssrsLevel(max(fired, key=lambda rule: rule.severity.rank).severity.value)


def help_now_signal(rule_set: RuleSet | None = None) -> RiskSignal:
    """The signal for a person pressing "I need help now": always acted on, never evaluated."""
    rules = rule_set or default_rule_set()
    rule = rules.help_now
    return RiskSignal(
        rule_id=rule.id,
        rule_set_version=rules.version,
        severity=rule.severity,
        responses=rule.responses,
        source=SignalSource.HELP_NOW,
        explanation=rule.explanation,
    )


def _fired(
    rules: RuleSet, spec: InstrumentSpec, responses: Sequence[int | None]
) -> list[tuple[InstrumentRule, list[int]]]:
    """Validate, then pair each rule that fires with the item numbers that fired it."""
    _validate(spec, responses)
    fired = []
    for rule in rules.rules_for_instrument(spec.id):
        if not rule.applies_to(responses):
            continue
        items = [item for item in rule.items if _fires(rule, spec, item, responses[item - 1])]
        if items:
            fired.append((rule, items))
    return fired


def _fires(rule: InstrumentRule, spec: InstrumentSpec, item: int, value: int | None) -> bool:
    if value is None and item in spec.skippable and rule.only_when is None:
        return False  # skipped by the instrument's skip logic, not left unanswered
    return rule.fires_on(value)


def _signal(rule: InstrumentRule, version: str, items: list[int]) -> RiskSignal:
    return RiskSignal(
        rule_id=rule.id,
        rule_set_version=version,
        severity=Severity(rule.severity),
        responses=rule.responses,
        source=SignalSource.INSTRUMENT,
        explanation=f"{rule.explanation} (item(s) {', '.join(map(str, items))})",
    )


def _validate(spec: InstrumentSpec, responses: Sequence[int | None]) -> None:
    if isinstance(responses, str | bytes) or len(responses) != spec.items:
        raise InvalidResponsesError(f"{spec.name} needs {spec.items} responses, item 1 first")
    for item, value in enumerate(responses, start=1):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidResponsesError(f"{spec.name} item {item}: scored values are integers")
        if not spec.item_min <= value <= spec.max_for(item):
            raise InvalidResponsesError(
                f"{spec.name} item {item}: {value} is outside {spec.item_min}..{spec.max_for(item)}"
            )
