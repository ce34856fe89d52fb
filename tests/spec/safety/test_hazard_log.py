"""Every test the hazard log cites as evidence exists, so the log cannot point at nothing."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LOG = ROOT / "docs" / "safety" / "hazard-log.md"
REFERENCE = re.compile(
    r"`((?:(?:spec|unit|generative)/safety|integration/safety_platform|functional/safety_web|e2e)"
    r"/test_\w+\.py)?::(test_\w+)"
)


def cited_tests() -> list[tuple[str, str]]:
    cited = []
    current: str | None = None
    for match in REFERENCE.finditer(LOG.read_text(encoding="utf-8")):
        current = match.group(1) or current
        assert current is not None, f"{match.group(2)} is cited without a file"
        cited.append((current, match.group(2)))
    return cited


def test_the_log_cites_tests_for_every_hazard() -> None:
    text = LOG.read_text(encoding="utf-8")
    hazards = re.findall(r"^### (H\d\d) ", text, flags=re.MULTILINE)
    assert len(hazards) >= 15
    sections = re.split(r"^### H\d\d ", text, flags=re.MULTILINE)[1:]
    for hazard, section in zip(hazards, sections, strict=True):
        assert "**Evidence.**" in section, hazard


def test_every_cited_test_exists() -> None:
    cited = cited_tests()
    assert len(cited) >= 40
    missing = [
        f"{path}::{name}"
        for path, name in cited
        if f"def {name}(" not in (ROOT / "tests" / path).read_text(encoding="utf-8")
    ]
    assert missing == []
