"""Rewrite docs/measures/instruments.md from the instrument data files.

Run ``.venv/bin/python docs/measures/generate.py`` after changing a data file; the unit test
``tests/unit/measures/test_measures_reference_doc.py`` fails while the page is out of date.
"""

from __future__ import annotations

from pathlib import Path

from withcare.domain.measures.reference_doc import render_reference

PAGE = Path(__file__).with_name("instruments.md")

if __name__ == "__main__":
    PAGE.write_text(render_reference(), encoding="utf-8")
    print(f"wrote {PAGE}")
