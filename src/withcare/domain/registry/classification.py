"""Derived classifications: computed from facts by versioned rules, never typed in.

Each rule reads the fact sheet, returns the class together with the rule version that produced it,
the reasons in plain words and the facts it still needs. The tables live in
``data/classification_rules.toml`` beside their sources; changing a cell means bumping the version,
so an old result can always be traced to the rules in force when it was made.

A person may disagree with a rule (rules are blunt; products are not). They can then record an
override, but only with a written reason, and the override is stored next to the computed value,
never in place of it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from withcare.domain.registry.model import FactValue
from withcare.domain.registry.vocabulary import Seriousness, Significance

Facts = Mapping[str, FactValue]


class Scheme(StrEnum):
    NICE_ESF_TIER = "nice_esf_tier"
    IMDRF_SAMD = "imdrf_samd"
    MDR_RULE_11 = "mdr_rule_11"
    UK_SAMD = "uk_samd"


#: The values each scheme can produce; an override must use one of them.
ALLOWED_VALUES: Mapping[Scheme, tuple[str, ...]] = {
    Scheme.NICE_ESF_TIER: ("A", "B", "C"),
    Scheme.IMDRF_SAMD: ("not_samd", "I", "II", "III", "IV"),
    Scheme.MDR_RULE_11: ("not_a_device", "I", "IIa", "IIb", "III"),
    Scheme.UK_SAMD: ("likely", "unlikely"),
}

_RANK_RULE_11 = {"I": 0, "IIa": 1, "IIb": 2, "III": 3}


@cache
def rule_tables() -> Mapping[str, Any]:
    text = (
        resources.files("withcare.domain.registry")
        .joinpath("data/classification_rules.toml")
        .read_text("utf-8")
    )
    return tomllib.loads(text)


@dataclass(frozen=True)
class Classification:
    """A computed class (``value`` is None when facts are missing: see ``missing``)."""

    scheme: Scheme
    value: str | None
    rule_version: str
    reasons: tuple[str, ...]
    missing: tuple[str, ...]
    source: str

    @property
    def determined(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Override:
    """A person's decision over a computed class, pinned to what they disagreed with."""

    value: str
    reason: str
    by: str
    at: datetime
    #: The rule version and computed value in front of the person when they overrode it.
    against_rule_version: str
    against_value: str | None


@dataclass(frozen=True)
class ClassificationOutcome:
    """What the rules said, and, if someone disagreed, what they said instead and why."""

    computed: Classification
    override: Override | None = None

    @property
    def stale(self) -> bool:
        """True when the rules or facts changed since the override: it must be looked at again.

        A stale override is not applied: the person decided against a different computation.
        """
        return self.override is not None and (
            self.override.against_rule_version != self.computed.rule_version
            or self.override.against_value != self.computed.value
        )

    @property
    def effective(self) -> str | None:
        if self.override is None or self.stale:
            return self.computed.value
        return self.override.value


def apply_override(computed: Classification, override: Override | None) -> ClassificationOutcome:
    """Pair a fresh computation with a stored override (which may since have gone stale)."""
    if override is not None and override.value not in ALLOWED_VALUES[computed.scheme]:
        raise ValueError(f"stored override {override.value!r} is not a {computed.scheme} class")
    return ClassificationOutcome(computed, override)


def override_classification(
    outcome: Classification | ClassificationOutcome,
    value: str,
    *,
    reason: str,
    by: str,
    at: datetime,
) -> ClassificationOutcome:
    """Record a human decision over a computed class. The reason is mandatory and kept."""
    computed = outcome.computed if isinstance(outcome, ClassificationOutcome) else outcome
    if value not in ALLOWED_VALUES[computed.scheme]:
        allowed = ", ".join(ALLOWED_VALUES[computed.scheme])
        raise ValueError(f"{value!r} is not a {computed.scheme} class; use one of {allowed}")
    if len(reason.strip()) < 10:
        raise ValueError("an override needs a written reason (at least a sentence)")
    if not by.strip():
        raise ValueError("an override must say who made it")
    if at.tzinfo is None:
        raise ValueError("an override needs a timezone-aware time")
    override = Override(
        value=value,
        reason=reason.strip(),
        by=by.strip(),
        at=at,
        against_rule_version=computed.rule_version,
        against_value=computed.value,
    )
    return ClassificationOutcome(computed, override)


_PHRASE = {
    Significance.INFORM: "inform care",
    Significance.DRIVE: "drive care decisions",
    Significance.TREAT: "treat",
    Significance.DIAGNOSE: "diagnose",
}


def _use_phrase(significance: Significance, seriousness: Seriousness | None = None) -> str:
    """'it is used to treat a serious condition' in words a non-specialist can follow."""
    phrase = f"it is used to {_PHRASE.get(significance, significance.value)}"
    if seriousness is None:
        return phrase
    return f"{phrase} for a {seriousness.value.replace('_', '-')} condition"


def _significance(facts: Facts) -> Significance | None:
    raw = facts.get("intended_use.significance")
    return Significance(raw) if isinstance(raw, str) else None


def _seriousness(facts: Facts) -> Seriousness | None:
    raw = facts.get("intended_use.seriousness")
    return Seriousness(raw) if isinstance(raw, str) else None


def _flag(facts: Facts, key: str) -> bool | None:
    raw = facts.get(key)
    return raw if isinstance(raw, bool) else None


def _result(
    scheme: Scheme, value: str | None, reasons: list[str], missing: list[str]
) -> Classification:
    table = rule_tables()[scheme.value]
    return Classification(
        scheme=scheme,
        value=value,
        rule_version=table["version"],
        reasons=tuple(reasons),
        missing=tuple(missing),
        source=table["source"],
    )


def nice_esf_tier(facts: Facts, *, regulated_as_device: bool = False) -> Classification:
    """NICE ESF tier A (system efficiency), B (self-management, wellness) or C (medical)."""
    scheme = Scheme.NICE_ESF_TIER
    if regulated_as_device:
        return _result(scheme, "C", ["it is regulated as a medical device"], [])
    if _flag(facts, "intended_use.system_efficiency_only") is True:
        return _result(scheme, "A", ["it only saves staff time or money"], [])
    significance = _significance(facts)
    if significance is None:
        return _result(
            scheme, None, ["its intended use is not yet known"], ["intended_use.significance"]
        )
    if significance.is_medical:
        return _result(scheme, "C", [_use_phrase(significance)], [])
    if _flag(facts, "intended_use.system_efficiency_only") is None:
        return _result(
            scheme,
            None,
            ["we need to know whether it has any health purpose at all"],
            ["intended_use.system_efficiency_only"],
        )
    return _result(scheme, "B", ["it helps people look after their own health and wellbeing"], [])


def imdrf_samd_category(facts: Facts) -> Classification:
    """IMDRF N12 category I-IV from significance x seriousness; ``not_samd`` for wellness."""
    scheme = Scheme.IMDRF_SAMD
    significance, seriousness = _significance(facts), _seriousness(facts)
    if significance is Significance.WELLNESS:
        return _result(scheme, "not_samd", ["it has no medical purpose"], [])
    missing = [
        key
        for key, value in (
            ("intended_use.significance", significance),
            ("intended_use.seriousness", seriousness),
        )
        if value is None
    ]
    if significance is None or seriousness is None:
        return _result(scheme, None, ["significance and seriousness are both needed"], missing)
    category = rule_tables()[scheme.value]["matrix"][seriousness.value][significance.value]
    return _result(
        scheme,
        category,
        [_use_phrase(significance, seriousness)],
        [],
    )


def mdr_rule_11_class(facts: Facts) -> Classification:
    """EU MDR Annex VIII Rule 11 class; ``not_a_device`` when there is no medical purpose."""
    scheme = Scheme.MDR_RULE_11
    significance, seriousness = _significance(facts), _seriousness(facts)
    if significance is None:
        return _result(
            scheme, None, ["its intended use is not yet known"], ["intended_use.significance"]
        )
    if significance is Significance.WELLNESS:
        return _result(scheme, "not_a_device", ["it has no medical purpose"], [])
    if seriousness is None:
        return _result(
            scheme,
            None,
            ["decision impact depends on how serious the condition is"],
            ["intended_use.seriousness"],
        )
    table = rule_tables()[scheme.value]["decision_matrix"]
    value = table[seriousness.value][significance.value]
    reasons = [_use_phrase(significance, seriousness)]
    if _flag(facts, "function.monitors_physiology"):
        vital = _flag(facts, "function.monitors_vital_parameters") is True
        monitoring = "IIb" if vital else "IIa"
        reasons.append(
            "it monitors vital physiological parameters"
            if vital
            else "it monitors a physiological process"
        )
        if _RANK_RULE_11[monitoring] > _RANK_RULE_11[value]:
            value = monitoring
    return _result(scheme, value, reasons, [])


def uk_samd_likely(facts: Facts, *, regulated_as_device: bool = False) -> Classification:
    """MHRA (2025): a medical intended purpose plus complex functionality means SaMD."""
    scheme = Scheme.UK_SAMD
    significance = _significance(facts)
    if regulated_as_device and significance is not Significance.WELLNESS:
        return _result(
            scheme,
            "likely",
            ["a regulator already treats it as a medical device for this medical purpose"],
            [],
        )
    if significance is None:
        return _result(
            scheme, None, ["its intended use is not yet known"], ["intended_use.significance"]
        )
    if significance is Significance.WELLNESS:
        return _result(scheme, "unlikely", ["its intended purpose is wellbeing, not medical"], [])
    complex_function = _flag(facts, "function.complex")
    if complex_function is None:
        return _result(
            scheme,
            None,
            ["it has a medical purpose; whether its functionality is complex decides"],
            ["function.complex"],
        )
    if complex_function:
        return _result(scheme, "likely", ["medical intended purpose", "complex functionality"], [])
    return _result(
        scheme,
        "unlikely",
        ["medical purpose, but it only shows fixed information, signposts or stores records"],
        [],
    )


def classify_all(facts: Facts, *, regulated_as_device: bool = False) -> tuple[Classification, ...]:
    """Every classification the registry derives, in a stable order."""
    return (
        nice_esf_tier(facts, regulated_as_device=regulated_as_device),
        imdrf_samd_category(facts),
        mdr_rule_11_class(facts),
        uk_samd_likely(facts, regulated_as_device=regulated_as_device),
    )
