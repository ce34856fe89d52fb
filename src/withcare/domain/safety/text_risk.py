"""Rule-based risk detection in free text (check-in notes, messages).

How it reads a text: normalise it, split it into sentences and clauses, find every risk pattern,
then ask of each match whether its context cancels it: an idiom ("dying to see the film"), a
help-seeking hypothetical ("if I ever felt like that I'd call Samaritans"), someone else ("my friend
is suicidal"), negation ("I would never hurt myself") or distant past ("I tried years ago"). A
match that survives becomes a signal. Context only cancels; it never invents risk.

The design leans towards flagging: a false alarm costs a clinician a minute, a miss can cost a life.
A detection only opens work for a human; nothing here closes, downgrades or hides anything. Limits
and measured performance: ``docs/safety/free-text-detection.md``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from withcare.domain.safety.errors import UnsupportedLanguageError
from withcare.domain.safety.rules import RuleSet, TextModifiers, TextRule, default_rule_set
from withcare.domain.safety.signals import RiskSignal, SignalSource

# Which rule languages read a text in a given language. Welsh text is also read with the English
# rules, because people switch language mid-sentence.
_READ_WITH = {"en": ("en",), "cy": ("cy", "en")}

_APOSTROPHES = re.compile(r"[\u0027\u2018\u2019\u02bc\u0060\u00b4]")
_SENTENCE_BREAK = re.compile(r"[.!?;:\n\u2026]+|\s[-\u2013\u2014]+\s")
_CLAUSE_BREAK = re.compile(r"\b(but|however|though|although|whereas)\b")
_WORD = re.compile(r"\S+")


class Suppression(StrEnum):
    """Why a match was not counted. Recorded so the test suite can explain every decision."""

    IDIOM = "idiom"
    HYPOTHETICAL = "hypothetical"
    THIRD_PARTY = "third_party"
    NEGATED = "negated"
    PAST = "past"


@dataclass(frozen=True, slots=True)
class Finding:
    """One pattern match and its verdict. Holds no text, only the rule and the reason."""

    rule_id: str
    suppressed_by: Suppression | None

    @property
    def counts(self) -> bool:
        return self.suppressed_by is None


def supported_languages(rule_set: RuleSet | None = None) -> frozenset[str]:
    rules = rule_set or default_rule_set()
    readable = rules.text_modifiers.keys()
    return frozenset(lang for lang, uses in _READ_WITH.items() if set(uses) <= readable)


def normalise(text: str) -> str:
    """NFKC, lower case, no apostrophes, single spaces: "don't", "dont" and "DON'T" read alike."""
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = _APOSTROPHES.sub("", folded)
    folded = re.sub(r",\s*ever\b", " ever", folded)
    return re.sub(r"[ \t\r\f\v]+", " ", folded)


def assess_text(text: str, language: str = "en", rule_set: RuleSet | None = None) -> list[Finding]:
    """Every match in the text with the reason it was discounted, if it was."""
    rules = rule_set or default_rule_set()
    languages = _languages_for(language, rules)
    whole = normalise(text)
    findings: list[Finding] = []
    for lang in languages:
        modifiers = rules.text_modifiers[lang]
        recurring = _any(modifiers.recurrence_markers, whole)
        for sentence in _SENTENCE_BREAK.split(whole):
            for clause in _clauses(sentence):
                for rule in rules.text_rules_for(lang):
                    findings.extend(
                        _judge(rule, match, clause, sentence, modifiers, recurring)
                        for pattern in rule.patterns
                        for match in pattern.finditer(clause)
                    )
    return findings


def evaluate_text(
    text: str, language: str = "en", rule_set: RuleSet | None = None
) -> list[RiskSignal]:
    """One signal per rule with at least one uncancelled match; ``[]`` when nothing counts.

    Raises :class:`UnsupportedLanguageError` for a language without rules, so the caller sends the
    text to a human instead of treating it as safe.
    """
    rules = rule_set or default_rule_set()
    counted: dict[str, int] = {}
    for finding in assess_text(text, language, rules):
        if finding.counts:
            counted[finding.rule_id] = counted.get(finding.rule_id, 0) + 1
    by_id = {rule.id: rule for rule in rules.text_rules}
    return [_signal(by_id[rule_id], count, rules.version) for rule_id, count in counted.items()]


def _languages_for(language: str, rules: RuleSet) -> tuple[str, ...]:
    primary = language.lower().replace("_", "-").split("-")[0]
    if primary not in supported_languages(rules):
        raise UnsupportedLanguageError(
            f"no free-text risk rules for language {language!r}; route the text to a human"
        )
    return _READ_WITH[primary]


def _clauses(sentence: str) -> list[str]:
    """Split at contrastive conjunctions, which end the reach of a negation or a past marker."""
    parts = _CLAUSE_BREAK.split(sentence)
    # re.split keeps the captured conjunctions at odd positions: drop them.
    return [part for index, part in enumerate(parts) if index % 2 == 0 and part.strip()]


def _judge(
    rule: TextRule,
    match: re.Match[str],
    clause: str,
    sentence: str,
    modifiers: TextModifiers,
    recurring: bool,
) -> Finding:
    reason: Suppression | None = None
    if _overlaps_idiom(match, clause, modifiers):
        reason = Suppression.IDIOM
    elif _any(modifiers.hypothetical_all, sentence) or (
        not rule.first_person and _any(modifiers.hypothetical_generic, sentence)
    ):
        reason = Suppression.HYPOTHETICAL
    elif not rule.first_person and _about_someone_else(match, clause, modifiers):
        reason = Suppression.THIRD_PARTY
    elif _negated(match, clause, modifiers):
        reason = Suppression.NEGATED
    elif not recurring and _any(modifiers.past_markers, clause):
        reason = Suppression.PAST
    return Finding(rule_id=rule.id, suppressed_by=reason)


def _overlaps_idiom(match: re.Match[str], clause: str, modifiers: TextModifiers) -> bool:
    return any(
        idiom.start() < match.end() and match.start() < idiom.end()
        for pattern in modifiers.idioms
        for idiom in pattern.finditer(clause)
    )


def _about_someone_else(match: re.Match[str], clause: str, modifiers: TextModifiers) -> bool:
    """True when the last person mentioned before the match is someone other than the writer."""
    before = clause[: match.start()]
    last_self = max((m.end() for m in modifiers.first_person.finditer(before)), default=-1)
    last_other = max((m.end() for m in modifiers.third_party.finditer(before)), default=-1)
    if last_other <= last_self:
        return False
    return modifiers.first_person_after.search(clause[match.end() :]) is None


def _negated(match: re.Match[str], clause: str, modifiers: TextModifiers) -> bool:
    """NegEx: a negation cue shortly before the match, with no scope breaker in between, or a
    denial straight after it ("... is not an option for me")."""
    after = clause[match.end() :]
    if any(pattern.search(after) for pattern in modifiers.post_negations):
        return True
    blanked = clause
    for pattern in modifiers.pseudo_negations:
        blanked = pattern.sub(lambda found: " " * len(found.group()), blanked)
    before = blanked[: match.start()]
    words = list(_WORD.finditer(before))
    reach = modifiers.negation_window
    window = before[words[-reach].start() :] if len(words) >= reach else before
    cues = list(modifiers.negation_cues.finditer(window))
    if not cues:
        return False
    return modifiers.scope_breakers.search(window[cues[-1].end() :]) is None


def _any(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    return any(pattern.search(text) for pattern in patterns)


def _signal(rule: TextRule, count: int, version: str) -> RiskSignal:
    plural = "match" if count == 1 else "matches"
    return RiskSignal(
        rule_id=rule.id,
        rule_set_version=version,
        severity=rule.severity,
        responses=rule.responses,
        source=SignalSource.FREE_TEXT,
        explanation=f"{rule.explanation} ({count} {plural}; the text is not reproduced here.)",
    )
