"""The shipped rule set is versioned, cited and complete; malformed rule sets are refused."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from withcare.domain.safety.errors import RuleSetError
from withcare.domain.safety.rules import RULES_FILE, default_rule_set, parse_rule_set


def raw_rules() -> dict[str, Any]:
    text = resources.files("withcare.domain.safety").joinpath(RULES_FILE).read_text("utf-8")
    return tomllib.loads(text)


def test_rule_set_is_versioned_and_every_rule_cites_a_listed_source() -> None:
    rules = default_rule_set()
    assert rules.version
    cited = {s for rule in rules.instrument_rules for s in rule.sources}
    cited |= {s for rule in rules.text_rules for s in rule.sources}
    assert cited <= set(rules.sources)
    assert all(rule.sources for rule in rules.instrument_rules)
    assert all(rule.sources for rule in rules.text_rules)


@pytest.mark.parametrize(("instrument", "item"), [("phq9", 9), ("core10", 6), ("epds", 10)])
def test_each_named_risk_item_has_a_rule(instrument: str, item: int) -> None:
    rules = default_rule_set().rules_for_instrument(instrument)
    assert any(item in rule.items and not rule.when_unanswered for rule in rules)


def mutate(path: list[str | int], value: object) -> dict[str, Any]:
    raw = copy.deepcopy(raw_rules())
    node: Any = raw
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return raw


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (["instrument_rules", 0, "severity"], "catastrophic"),
        (["instrument_rules", 0, "responses"], []),
        (["instrument_rules", 0, "responses"], ["send_a_pigeon"]),
        (["instrument_rules", 0, "sources"], ["nowhere"]),
        (["instrument_rules", 0, "item"], 12),
        (["instrument_rules", 0, "instrument"], "gad7"),
        (["instrument_rules", 1, "id"], "phq9.item9.several_days"),
        (["text_rules", 0, "patterns"], ["(unclosed"]),
        (["text_rules", 0, "kind"], "vague"),
        (["instruments", "core10", "aliases"], ["PHQ-9"]),
        (["instrument_rules", 15, "only_when"], {"item": 7, "min": 1}),
    ],
)
def test_malformed_rule_sets_are_refused(path: list[str | int], value: object) -> None:
    with pytest.raises(RuleSetError):
        parse_rule_set(mutate(path, value))


def test_the_unmodified_rules_parse() -> None:
    assert parse_rule_set(raw_rules()).version == default_rule_set().version
