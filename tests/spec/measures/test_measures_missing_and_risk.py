"""Every missing-item rule and every risk rule, each case cited to its source.

Expected totals are worked out by hand in the comments, from the published rule, not by the code.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from withcare.domain.measures.scoring import score

ARRIETA = "PHQ-9: up to 2 missing, mean x 9 rounded half up (Arrieta et al. 2017 via qscorer)"
CORE = "CORE-10: 1 missing, mean x 10 not rounded (CORE System Trust 'scoring CORE measures')"
K10 = "K10: 1 missing, sum / 9 x 10 rounded (PMHC MDS / AMHOCN)"
WHO_AUDIT = "AUDIT: WHO skip rules (Babor et al. 2001; CamCOPS accepts them as complete)"
CSSRS = "C-SSRS screener: if Q2 is no, skip to Q6 (Millisecond manual; NINDS CDE)"
NO_RULE = "No published missing-item rule: any missing item is invalid (Withcare research 2026)"
M: None = None  # an unanswered item

PRORATED: list[tuple[str, Sequence[int | None], float, str | None, str]] = [
    # 8 answered, sum 8: 8/8 x 9 = 9
    ("phq9", [1, 1, 1, 1, 1, 1, 1, 1, M], 9, "mild", ARRIETA),
    # 7 answered, sum 21: 21/7 x 9 = 27
    ("phq9", [3, 3, 3, 3, 3, 3, 3, M, M], 27, "severe", ARRIETA),
    # 8 answered, sum 4: 4/8 x 9 = 4.5, rounds half up to 5 (a band edge)
    ("phq9", [1, 1, 1, 1, 0, 0, 0, 0, M], 5, "mild", ARRIETA),
    # 7 answered, sum 5: 5/7 x 9 = 6.43 -> 6
    ("phq9", [1, 1, 1, 1, 1, 0, 0, M, M], 6, "mild", ARRIETA),
    # 7 answered, sum 11: 11/7 x 9 = 14.14 -> 14
    ("phq9", [M, 2, 2, 2, 2, 2, 1, 0, M], 14, "moderate", ARRIETA),
    # 9 answered, sum 9: 9/9 x 10 = 10
    ("core10", [1, 1, 1, 1, 1, 1, 1, 1, 1, M], 10, "low_level", CORE),
    # 9 answered, sum 13: 13/9 x 10 = 14.444..., not rounded, mild (11 <= x < 15)
    ("core10", [2, 2, 2, 2, 2, 0, 1, 1, 1, M], 130 / 9, "mild", CORE),
    # 9 answered, sum 10: 10/9 x 10 = 11.11 -> mild, just over the clinical cut-off of 11
    ("core10", [M, 2, 2, 2, 2, 0, 0, 0, 1, 1], 100 / 9, "mild", CORE),
    # 9 answered, sum 22: 22/9 x 10 = 24.44 -> 24
    ("k10", [3, 3, 3, 3, 2, 2, 2, 2, 2, M], 24, "mild", K10),
    # 9 answered, sum 23: 23/9 x 10 = 25.56 -> 26
    ("k10", [M, 3, 3, 3, 3, 3, 2, 2, 2, 2], 26, "moderate", K10),
]


@pytest.mark.parametrize(("instrument", "responses", "total", "severity", "source"), PRORATED)
def test_published_pro_rating(
    instrument: str, responses: list[int | None], total: float, severity: str, source: str
) -> None:
    result = score(instrument, responses)
    assert result.valid, result.errors
    assert result.total == pytest.approx(total), source
    assert result.severity == severity, source
    assert result.extras["prorated"] is True


TOO_MANY_MISSING: list[tuple[str, Sequence[int | None], str]] = [
    ("phq9", [1, 1, 1, 1, 1, 1, M, M, M], ARRIETA),
    ("core10", [1, 1, 1, 1, 1, 1, 1, 1, M, M], CORE),
    ("k10", [3, 3, 3, 3, 3, 3, 3, 3, M, M], K10),
    ("phq8", [1, 1, 1, 1, 1, 1, 1, M], NO_RULE),
    ("phq2", [1, M], NO_RULE),
    ("gad7", [1, 1, 1, 1, 1, 1, M], NO_RULE),
    ("gad2", [M, 1], NO_RULE),
    ("wsas", [1, 1, 1, 1, M], NO_RULE),
    ("wemwbs", [3] * 13 + [M], NO_RULE),
    ("swemwbs", [3] * 6 + [M], NO_RULE),
    ("pcl5", [1] * 19 + [M], NO_RULE),
    ("audit_c", [1, 1, M], NO_RULE),
    ("who5", [3, 3, 3, 3, M], NO_RULE),
    ("epds", [1] * 9 + [M], NO_RULE),
    ("audit", [1, 1, 1, 1, 1, 1, 1, 1, M, 0], WHO_AUDIT),  # items 9-10 always required
    ("audit", [1, 1, M, M, M, M, M, M, 0, 0], WHO_AUDIT),  # Q3 missing: no skip applies
    ("audit", [1, 1, 0, M, 0, 0, 0, 0, 0, 0], WHO_AUDIT),  # Q2 + Q3 = 1: Q4-8 required
    ("cssrs_screener", [1, 1, M, M, M, 0], CSSRS),  # Q2 yes: Q3-Q5 required
    ("cssrs_screener", [M, 0, M, M, M, 0], CSSRS),
    ("cssrs_screener", [0, 0, M, M, M, M], CSSRS),
]


@pytest.mark.parametrize(("instrument", "responses", "source"), TOO_MANY_MISSING)
def test_missing_items_beyond_the_published_rule_make_the_form_invalid(
    instrument: str, responses: list[int | None], source: str
) -> None:
    result = score(instrument, responses)
    assert not result.valid, source
    assert result.total is None
    assert result.severity is None
    assert any("missing" in error for error in result.errors)


SKIPPED: list[tuple[str, Sequence[int | None], int | None, str]] = [
    # Q1 never: Q2-8 skipped score 0; total = Q9 + Q10 = 2 + 4
    ("audit", [0, M, M, M, M, M, M, M, 2, 4], 6, WHO_AUDIT),
    # Q2 + Q3 = 0: Q4-8 skipped; total = 1 + 0 + 0 + 0 + 2
    ("audit", [1, 0, 0, M, M, M, M, M, 0, 2], 3, WHO_AUDIT),
    # Q1 never still skips Q2-8, and an answer given anyway is kept: 0 + 2 + 0 + ... + 0
    ("audit", [0, 2, M, M, M, M, M, M, 0, 0], 2, WHO_AUDIT),
    # Q2 no: Q3-Q5 skipped; the screener has no total
    ("cssrs_screener", [1, 0, M, M, M, 0], None, CSSRS),
]


@pytest.mark.parametrize(("instrument", "responses", "total", "source"), SKIPPED)
def test_skip_logic_counts_skipped_items_as_answered(
    instrument: str, responses: list[int | None], total: int | None, source: str
) -> None:
    result = score(instrument, responses)
    assert result.valid, (source, result.errors)
    assert result.total == total


def test_wsas_work_item_not_applicable_is_left_out_not_missing() -> None:
    """Mundt 2002 / CamCOPS: retired or not working by choice -> maximum 32."""
    result = score("wsas", ["not_applicable", 8, 8, 8, 8])
    assert result.valid
    assert result.total == 32
    missing = score("wsas", [None, 8, 8, 8, 8])
    assert not missing.valid


def test_not_applicable_is_refused_where_the_instrument_does_not_allow_it() -> None:
    result = score("wsas", [8, "not_applicable", 8, 8, 8])
    assert not result.valid
    assert "item 2" in result.errors[0]


RISK: list[tuple[str, Sequence[object], str, bool, bool, str]] = [
    # instrument, responses, encoding, valid, risk_flag, source
    ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1], "item_score", True, True, "Kroenke 2001: item 9 > 0"),
    ("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0], "item_score", True, False, "Kroenke 2001: item 9 = 0"),
    ("phq9", [9, 0, 0, 0, 0, 0, 0, 0, 2], "item_score", False, True, "safety first: invalid form"),
    ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 4], "item_score", False, False, "out of range is not risk"),
    ("phq9", [0] * 8 + [1, 0], "item_score", False, True, "wrong count: item 9 still read"),
    ("phq9", [M, M, M, M, M, 0, 0, 0, 3], "item_score", False, True, "too many missing"),
    ("core10", [0] * 5 + [1] + [0] * 4, "item_score", True, True, "CamCOPS: item 6 risk"),
    ("core10", [0, 4, 4, 0, 0, 1, 0, 0, 0, 0], "form_position", True, True, "item 6 not reversed"),
    ("core10", [0] * 10, "item_score", True, False, "CamCOPS: item 6 = 0"),
    ("epds", [0] * 9 + [1], "item_score", True, True, "EPDS item 10 > 0 (NSW; DigiCalcs)"),
    ("epds", [0] * 9 + [0], "form_position", True, True, "item 10 top box scores 3"),
    ("epds", [3] * 10, "form_position", True, False, "item 10 bottom box scores 0"),
    ("epds", [5] * 9 + [1], "item_score", False, True, "safety first: invalid form"),
    ("cssrs_screener", [1, 0, M, M, M, 0], "item_score", True, True, "C-SSRS: any yes (Q1)"),
    ("cssrs_screener", [0, 1, 0, 0, 0, 0], "item_score", True, True, "C-SSRS: any yes (Q2)"),
    ("cssrs_screener", [0, 1, 1, 0, 0, 0], "item_score", True, True, "C-SSRS: any yes (Q3)"),
    ("cssrs_screener", [0, 1, 0, 1, 0, 0], "item_score", True, True, "C-SSRS: any yes (Q4)"),
    ("cssrs_screener", [0, 1, 0, 0, 1, 0], "item_score", True, True, "C-SSRS: any yes (Q5)"),
    ("cssrs_screener", [0, 0, M, M, M, 1], "item_score", True, True, "C-SSRS: Q6 > 3 months"),
    ("cssrs_screener", [0, 0, M, M, M, 2], "item_score", True, True, "C-SSRS: Q6 recent"),
    ("cssrs_screener", [0, 0, M, M, M, 0], "item_score", True, False, "C-SSRS: all no"),
    ("cssrs_screener", [1, 0, M, M, M, 7], "item_score", False, True, "Q1 yes, Q6 invalid"),
    ("cssrs_screener", [1], "item_score", False, True, "Q1 yes on a short form"),
    ("phq8", [3] * 8, "item_score", True, False, "PHQ-8 has no risk item"),
]


@pytest.mark.parametrize(("instrument", "responses", "encoding", "valid", "flag", "source"), RISK)
def test_risk_rules(
    instrument: str, responses: list[object], encoding: str, valid: bool, flag: bool, source: str
) -> None:
    result = score(instrument, responses, encoding)
    assert result.valid is valid, (source, result.errors)
    assert result.risk_flag is flag, source
    if not valid:
        assert result.total is None
        assert result.severity is None
