"""docs/safety/escalation-states.md is generated from the transition table and must not go stale."""

from __future__ import annotations

import os
from pathlib import Path

from withcare.domain.safety.escalation import TRANSITIONS
from withcare.domain.safety.escalation_doc import render_escalation_states
from withcare.domain.safety.escalation_policy import default_policy

DOC = Path(__file__).resolve().parents[3] / "docs" / "safety" / "escalation-states.md"


def test_every_transition_appears_in_the_diagram() -> None:
    rendered = render_escalation_states(default_policy())
    for row in TRANSITIONS:
        assert f"{row.source.value} --> {row.target.value} : {row.event.value}" in rendered


def test_committed_doc_matches_the_table() -> None:
    rendered = render_escalation_states(default_policy())
    if os.environ.get("WITHCARE_REGENERATE_DOCS") == "1":
        DOC.write_text(rendered, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == rendered, (
        "docs/safety/escalation-states.md is stale: regenerate with WITHCARE_REGENERATE_DOCS=1"
    )
