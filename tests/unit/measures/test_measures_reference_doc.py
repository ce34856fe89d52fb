"""The committed instrument reference page matches the data files it is generated from."""

from __future__ import annotations

from pathlib import Path

from withcare.domain.measures.loader import INSTRUMENT_IDS
from withcare.domain.measures.reference_doc import render_reference

PAGE = Path(__file__).resolve().parents[3] / "docs" / "measures" / "instruments.md"


def test_reference_page_is_current() -> None:
    assert PAGE.read_text("utf-8") == render_reference(), (
        "docs/measures/instruments.md is stale: run .venv/bin/python docs/measures/generate.py"
    )


def test_reference_page_has_a_section_per_instrument_and_the_choices() -> None:
    text = render_reference()
    for instrument_id in INSTRUMENT_IDS:
        assert f"(`{instrument_id}`)" in text
    assert "documented choices where sources disagree" in text
