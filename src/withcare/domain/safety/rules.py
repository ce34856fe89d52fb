"""Loading and checking the risk rule set (``risk_rules.toml``).

The rules are data so that a clinical safety officer can review a change as a diff of one file. This
module turns that file into typed, immutable objects and refuses malformed data loudly at load time
(unknown severity, a rule citing a source that is not listed, a pattern that does not compile): a
rule that silently fails to load is a risk nobody is told about.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from withcare.domain.safety.errors import RuleSetError
from withcare.domain.safety.signals import Response, Severity

RULES_FILE = "risk_rules.toml"


@dataclass(frozen=True, slots=True)
class InstrumentSpec:
    """The shape of an instrument's responses, so malformed answers are refused, not misread."""

    id: str
    name: str
    aliases: tuple[str, ...]
    items: int
    item_min: int
    item_max: int
    item_max_overrides: Mapping[int, int]
    skippable: frozenset[int]

    def max_for(self, item: int) -> int:
        return self.item_max_overrides.get(item, self.item_max)


@dataclass(frozen=True, slots=True)
class InstrumentRule:
    """Fires when one of ``items`` scores within ``[minimum, maximum]``, or is unanswered."""

    id: str
    instrument: str
    items: tuple[int, ...]
    minimum: int | None
    maximum: int | None
    when_unanswered: bool
    severity: Severity
    responses: tuple[Response, ...]
    explanation: str
    sources: tuple[str, ...]
    only_when: tuple[int, int] | None = None  # (item, minimum score) that must hold first

    def applies_to(self, responses: Sequence[int | None]) -> bool:
        """Whether the rule's precondition on another item holds (always, without one)."""
        if self.only_when is None:
            return True
        item, minimum = self.only_when
        value = responses[item - 1]
        return value is not None and value >= minimum

    def fires_on(self, value: int | None) -> bool:
        if value is None:
            return self.when_unanswered
        if self.when_unanswered or self.minimum is None or self.maximum is None:
            return False
        return self.minimum <= value <= self.maximum


@dataclass(frozen=True, slots=True)
class TextRule:
    id: str
    language: str
    kind: str
    severity: Severity
    first_person: bool
    responses: tuple[Response, ...]
    explanation: str
    sources: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class TextModifiers:
    """The context that can cancel a match: negation, idiom, past, third party, hypothetical."""

    negation_window: int
    negation_cues: re.Pattern[str]
    scope_breakers: re.Pattern[str]
    pseudo_negations: tuple[re.Pattern[str], ...]
    post_negations: tuple[re.Pattern[str], ...]
    idioms: tuple[re.Pattern[str], ...]
    past_markers: tuple[re.Pattern[str], ...]
    recurrence_markers: tuple[re.Pattern[str], ...]
    first_person: re.Pattern[str]
    third_party: re.Pattern[str]
    first_person_after: re.Pattern[str]
    hypothetical_all: tuple[re.Pattern[str], ...]
    hypothetical_generic: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class HelpNowRule:
    id: str
    severity: Severity
    responses: tuple[Response, ...]
    explanation: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    id: str
    version: str
    status: str
    sources: Mapping[str, str]
    help_now: HelpNowRule
    instruments: Mapping[str, InstrumentSpec]
    instrument_rules: tuple[InstrumentRule, ...]
    text_rules: tuple[TextRule, ...]
    text_modifiers: Mapping[str, TextModifiers]

    def rules_for_instrument(self, instrument_id: str) -> tuple[InstrumentRule, ...]:
        return tuple(rule for rule in self.instrument_rules if rule.instrument == instrument_id)

    def text_rules_for(self, language: str) -> tuple[TextRule, ...]:
        return tuple(rule for rule in self.text_rules if rule.language == language)


def canonical_instrument_key(name: str) -> str:
    """Fold spelling differences ("PHQ-9", "phq_9", "phq9") so an id mismatch cannot hide a risk."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@cache
def default_rule_set() -> RuleSet:
    """The rule set shipped with Withcare, loaded once."""
    data = resources.files("withcare.domain.safety").joinpath(RULES_FILE).read_bytes()
    return parse_rule_set(tomllib.loads(data.decode("utf-8")))


def parse_rule_set(raw: Mapping[str, Any]) -> RuleSet:
    """Build a :class:`RuleSet` from parsed TOML, refusing anything malformed."""
    try:
        header = raw["rule_set"]
        sources = {str(key): str(value) for key, value in raw["sources"].items()}
        instruments = {
            key: _instrument_spec(key, value) for key, value in raw["instruments"].items()
        }
        instrument_rules = tuple(_instrument_rule(item) for item in raw["instrument_rules"])
        text_rules = tuple(_text_rule(item) for item in raw["text_rules"])
        modifiers = {key: _modifiers(value) for key, value in raw["text_modifiers"].items()}
        help_now = raw["help_now"]
        rule_set = RuleSet(
            id=str(header["id"]),
            version=str(header["version"]),
            status=str(header["status"]),
            sources=sources,
            help_now=HelpNowRule(
                id=str(help_now["id"]),
                severity=Severity(help_now["severity"]),
                responses=_responses(help_now["responses"]),
                explanation=str(help_now["explanation"]),
            ),
            instruments=instruments,
            instrument_rules=instrument_rules,
            text_rules=text_rules,
            text_modifiers=modifiers,
        )
    except (KeyError, TypeError, ValueError, re.error) as error:
        raise RuleSetError(f"risk rules are malformed: {error!r}") from error
    _check_consistency(rule_set)
    return rule_set


def _check_consistency(rule_set: RuleSet) -> None:
    ids = [rule.id for rule in rule_set.instrument_rules]
    ids += [rule.id for rule in rule_set.text_rules] + [rule_set.help_now.id]
    duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if duplicates:
        raise RuleSetError(f"duplicate rule ids: {duplicates}")
    cited = [s for rule in rule_set.instrument_rules for s in rule.sources]
    cited += [s for rule in rule_set.text_rules for s in rule.sources]
    missing = sorted(set(cited) - set(rule_set.sources))
    if missing:
        raise RuleSetError(f"rules cite sources that are not listed: {missing}")
    for rule in rule_set.instrument_rules:
        spec = rule_set.instruments.get(rule.instrument)
        if spec is None:
            raise RuleSetError(f"rule {rule.id} names unknown instrument {rule.instrument}")
        referenced = (*rule.items, *(() if rule.only_when is None else (rule.only_when[0],)))
        if any(not 1 <= item <= spec.items for item in referenced):
            raise RuleSetError(f"rule {rule.id} names an item outside 1..{spec.items}")
        if not rule.when_unanswered and (rule.minimum is None or rule.maximum is None):
            raise RuleSetError(f"rule {rule.id} needs min and max, or when = 'unanswered'")
    keys: dict[str, str] = {}
    for spec in rule_set.instruments.values():
        for name in (spec.id, *spec.aliases):
            key = canonical_instrument_key(name)
            if keys.setdefault(key, spec.id) != spec.id:
                raise RuleSetError(f"instrument name {name!r} is claimed twice")
    for text_rule in rule_set.text_rules:
        if text_rule.language not in rule_set.text_modifiers:
            raise RuleSetError(f"text rule {text_rule.id} has no modifiers for its language")


def _instrument_spec(key: str, raw: Mapping[str, Any]) -> InstrumentSpec:
    overrides = {int(item): int(value) for item, value in raw.get("item_max_overrides", {}).items()}
    return InstrumentSpec(
        id=key,
        name=str(raw["name"]),
        aliases=tuple(str(alias) for alias in raw.get("aliases", [])),
        items=int(raw["items"]),
        item_min=int(raw["item_min"]),
        item_max=int(raw["item_max"]),
        item_max_overrides=overrides,
        skippable=frozenset(int(item) for item in raw.get("skippable", [])),
    )


def _instrument_rule(raw: Mapping[str, Any]) -> InstrumentRule:
    items = raw["items"] if "items" in raw else [raw["item"]]
    when = raw.get("when")
    if when not in (None, "unanswered"):
        raise ValueError(f"rule {raw['id']}: unknown condition {when!r}")
    return InstrumentRule(
        id=str(raw["id"]),
        instrument=str(raw["instrument"]),
        items=tuple(int(item) for item in items),
        minimum=None if "min" not in raw else int(raw["min"]),
        maximum=None if "max" not in raw else int(raw["max"]),
        when_unanswered=when == "unanswered",
        severity=Severity(raw["severity"]),
        responses=_responses(raw["responses"]),
        explanation=str(raw["explanation"]),
        sources=tuple(str(source) for source in raw["sources"]),
        only_when=_only_when(raw.get("only_when")),
    )


def _only_when(raw: Mapping[str, Any] | None) -> tuple[int, int] | None:
    return None if raw is None else (int(raw["item"]), int(raw["min"]))


def _text_rule(raw: Mapping[str, Any]) -> TextRule:
    kind = str(raw["kind"])
    if kind not in ("explicit", "indirect"):
        raise ValueError(f"text rule {raw['id']}: unknown kind {kind!r}")
    return TextRule(
        id=str(raw["id"]),
        language=str(raw["language"]),
        kind=kind,
        severity=Severity(raw["severity"]),
        first_person=bool(raw["first_person"]),
        responses=_responses(raw["responses"]),
        explanation=str(raw["explanation"]),
        sources=tuple(str(source) for source in raw["sources"]),
        patterns=_compile_all(raw["patterns"]),
    )


def _modifiers(raw: Mapping[str, Any]) -> TextModifiers:
    return TextModifiers(
        negation_window=int(raw["negation_window"]),
        negation_cues=re.compile(raw["negation_cues"]),
        scope_breakers=re.compile(raw["scope_breakers"]),
        pseudo_negations=_compile_all(raw["pseudo_negations"]),
        post_negations=_compile_all(raw["post_negations"]),
        idioms=_compile_all(raw["idioms"]),
        past_markers=_compile_all(raw["past_markers"]),
        recurrence_markers=_compile_all(raw["recurrence_markers"]),
        first_person=re.compile(raw["first_person"]),
        third_party=re.compile(raw["third_party"]),
        first_person_after=re.compile(raw["first_person_after"]),
        hypothetical_all=_compile_all(raw["hypothetical_all"]),
        hypothetical_generic=_compile_all(raw["hypothetical_generic"]),
    )


def _compile_all(patterns: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in patterns)


def _responses(raw: Sequence[str]) -> tuple[Response, ...]:
    responses = tuple(Response(value) for value in raw)
    if not responses:
        raise ValueError("a rule must trigger at least one response")
    return responses
