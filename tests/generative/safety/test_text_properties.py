"""Properties of free-text detection that must hold for any input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from withcare.domain.safety.text_risk import evaluate_text

EXPLICIT = [
    "I want to kill myself.",
    "I am going to end my life tonight.",
    "I have been cutting myself again.",
    "I feel suicidal.",
]
# Text without sentence punctuation, so the explicit statement stays its own sentence.
noise = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters=".!?;:\n\u2026"),
    max_size=200,
)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400))
def test_any_text_is_evaluated_without_error(text: str) -> None:
    for signal in evaluate_text(text):
        assert signal.rule_id.startswith("text.")


@settings(max_examples=200, deadline=None)
@given(before=noise, after=noise, statement=st.sampled_from(EXPLICIT))
def test_surrounding_sentences_cannot_hide_an_explicit_statement(
    before: str, after: str, statement: str
) -> None:
    text = f"{before}. {statement} {after}"
    # Text that says the risk is back or still there can only add risk, never remove it.
    assert evaluate_text(text), text


@settings(max_examples=200, deadline=None)
@given(before=noise, statement=st.sampled_from(EXPLICIT))
def test_explanations_never_contain_the_text(before: str, statement: str) -> None:
    text = f"{before}. {statement}"
    for signal in evaluate_text(text):
        assert statement.lower().rstrip(".") not in signal.explanation.lower()
        if len(before.strip()) > 12:
            assert before.strip() not in signal.explanation
