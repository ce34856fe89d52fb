"""Specific behaviours of free-text detection that the labelled set alone would not pin down."""

from __future__ import annotations

import pytest

from withcare.domain.safety.errors import UnsupportedLanguageError
from withcare.domain.safety.signals import Response, Severity, SignalSource
from withcare.domain.safety.text_risk import Suppression, assess_text, evaluate_text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("I would never hurt myself", Suppression.NEGATED),
        ("I tried to end my life years ago", Suppression.PAST),
        ("My friend is suicidal", Suppression.THIRD_PARTY),
        ("I want to die of embarrassment", Suppression.IDIOM),
        ("If I ever felt like killing myself I would call Samaritans", Suppression.HYPOTHETICAL),
    ],
)
def test_each_kind_of_context_is_recognised(text: str, reason: Suppression) -> None:
    findings = assess_text(text)
    assert findings, "the risk phrase itself must still be found"
    assert {f.suppressed_by for f in findings} == {reason}
    assert evaluate_text(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I want to end my life",
        "If things don't improve I will kill myself",  # a conditional threat is not a hypothetical
        "I can't stop thinking about killing myself",  # "can't stop" is not a negation
        "Not a day goes by that I don't think about killing myself",
        "I'm not suicidal but I do want to hurt myself",  # the second clause stands alone
        "I used to self-harm and I've started again",  # history that is back is current
        "My brother is suicidal and so am I",
        "I hurt myself when I feel overwhelmed",  # not the accident idiom "hurt myself playing"
        "I cut myself on my arm",
    ],
)
def test_risk_survives_context_that_looks_like_a_cancellation(text: str) -> None:
    assert evaluate_text(text)


def test_explicit_statements_are_high_and_indirect_moderate() -> None:
    (explicit,) = evaluate_text("I want to kill myself")
    (indirect,) = evaluate_text("Everyone would be better off without me")
    assert explicit.severity is Severity.HIGH
    assert indirect.severity is Severity.MODERATE
    for signal in (explicit, indirect):
        assert signal.source is SignalSource.FREE_TEXT
        assert signal.responses == (Response.SHOW_CRISIS_PAGE, Response.OPEN_ESCALATION)


def test_signals_never_echo_the_persons_words() -> None:
    text = "Zanzibarquux says: I want to kill myself and end my life tonight"
    signals = evaluate_text(text)
    assert signals
    for signal in signals:
        lowered = signal.explanation.lower()
        assert "zanzibarquux" not in lowered
        assert "kill myself" not in lowered
        assert "tonight" not in lowered


def test_one_signal_per_rule_however_many_matches() -> None:
    signals = evaluate_text("I want to kill myself. I will kill myself. Killing myself tonight.")
    assert [s.rule_id for s in signals] == ["text.en.suicidal_intent.self"]
    assert "3 matches" in signals[0].explanation


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "I had a lovely day at the beach."])
def test_ordinary_text_raises_nothing(text: str) -> None:
    assert evaluate_text(text) == []


def test_curly_apostrophes_and_capitals_read_like_plain_ones() -> None:
    assert evaluate_text("I DON\u2019T WANT TO LIVE ANYMORE")
    assert evaluate_text("i dont want to live anymore")


def test_an_unknown_language_is_refused_so_a_human_reads_it() -> None:
    with pytest.raises(UnsupportedLanguageError):
        evaluate_text("Je veux mourir", language="fr")


@pytest.mark.parametrize("language", ["cy", "cy-GB", "CY"])
def test_welsh_text_is_read_with_welsh_and_english_rules(language: str) -> None:
    assert evaluate_text("Dwi eisiau lladd fy hun", language=language)
    assert evaluate_text("Dwi ddim eisiau byw", language=language)
    assert evaluate_text("I want to kill myself", language=language)
    assert evaluate_text("Fyddwn i byth yn lladd fy hun", language=language) == []
    assert evaluate_text("Mae hi'n braf heddiw", language=language) == []


def test_english_text_is_not_read_with_welsh_rules() -> None:
    assert evaluate_text("Dwi eisiau lladd fy hun", language="en-GB") == []
