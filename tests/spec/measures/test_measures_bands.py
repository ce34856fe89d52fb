"""Every severity band edge of every banded instrument, each row cited to its published source.

The expected labels are written out here rather than read from the data files, so a wrong band in a
data file fails this table.
"""

from __future__ import annotations

import pytest

from withcare.domain.measures.examples import responses_for_total
from withcare.domain.measures.loader import all_instruments
from withcare.domain.measures.scoring import score

KROENKE_2001 = "Kroenke, Spitzer & Williams 2001, J Gen Intern Med 16:606"
KROENKE_2009 = "Kroenke et al. 2009, J Affect Disord 114:163 (PHQ-8 uses the PHQ-9 cut points)"
KROENKE_2003 = "Kroenke, Spitzer & Williams 2003, Med Care 41:1284 (PHQ-2 >= 3)"
SPITZER_2006 = "Spitzer et al. 2006, Arch Intern Med 166:1092 (GAD-7 5/10/15)"
KROENKE_2007 = "Kroenke et al. 2007, Ann Intern Med 146:317 (GAD-2 >= 3)"
MUNDT_2002 = "Mundt et al. 2002, Br J Psychiatry 180:461 (<10, 10-20, >20)"
CORE_BANDS = "Barkham et al. 2013; CORE bands via SOCAS/Valant/Measurely (0-5/6-10/11-14/...)"
WARWICK = "Warwick WEMWBS benchmarks via secondary sources (<=40, 41-44, 45-59, >=60)"
NCPTSD = "NCPTSD 'Using the PCL-5': cut-off 31-33, platform uses 33"
WHO_AUDIT = "Babor et al. 2001, WHO AUDIT manual, zones I-IV (0-7/8-15/16-19/20-40)"
OHID = "OHID 'Guidance on the 5 alcohol use screening tests': AUDIT-C >= 5 positive"
WHO5 = "Topp et al. 2015; WHO-5 raw < 13 poor wellbeing"
COX_1987 = "Cox, Holden & Sagovsky 1987, Br J Psychiatry 150:782 (10 and 13)"
ANDREWS_2001 = "Andrews & Slade 2001, Aust N Z J Public Health 25:494 (10-19/20-24/25-29/30-50)"

BAND_EDGES: list[tuple[str, int, str, str]] = [
    ("phq9", 0, "none_minimal", KROENKE_2001),
    ("phq9", 4, "none_minimal", KROENKE_2001),
    ("phq9", 5, "mild", KROENKE_2001),
    ("phq9", 9, "mild", KROENKE_2001),
    ("phq9", 10, "moderate", KROENKE_2001),
    ("phq9", 14, "moderate", KROENKE_2001),
    ("phq9", 15, "moderately_severe", KROENKE_2001),
    ("phq9", 19, "moderately_severe", KROENKE_2001),
    ("phq9", 20, "severe", KROENKE_2001),
    ("phq9", 27, "severe", KROENKE_2001),
    ("phq8", 0, "none_minimal", KROENKE_2009),
    ("phq8", 4, "none_minimal", KROENKE_2009),
    ("phq8", 5, "mild", KROENKE_2009),
    ("phq8", 9, "mild", KROENKE_2009),
    ("phq8", 10, "moderate", KROENKE_2009),
    ("phq8", 14, "moderate", KROENKE_2009),
    ("phq8", 15, "moderately_severe", KROENKE_2009),
    ("phq8", 19, "moderately_severe", KROENKE_2009),
    ("phq8", 20, "severe", KROENKE_2009),
    ("phq8", 24, "severe", KROENKE_2009),
    ("phq2", 0, "negative", KROENKE_2003),
    ("phq2", 2, "negative", KROENKE_2003),
    ("phq2", 3, "positive", KROENKE_2003),
    ("phq2", 6, "positive", KROENKE_2003),
    ("gad7", 0, "minimal", SPITZER_2006),
    ("gad7", 4, "minimal", SPITZER_2006),
    ("gad7", 5, "mild", SPITZER_2006),
    ("gad7", 9, "mild", SPITZER_2006),
    ("gad7", 10, "moderate", SPITZER_2006),
    ("gad7", 14, "moderate", SPITZER_2006),
    ("gad7", 15, "severe", SPITZER_2006),
    ("gad7", 21, "severe", SPITZER_2006),
    ("gad2", 0, "negative", KROENKE_2007),
    ("gad2", 2, "negative", KROENKE_2007),
    ("gad2", 3, "positive", KROENKE_2007),
    ("gad2", 6, "positive", KROENKE_2007),
    ("wsas", 0, "subclinical", MUNDT_2002),
    ("wsas", 9, "subclinical", MUNDT_2002),
    ("wsas", 10, "significant_impairment", MUNDT_2002),
    ("wsas", 20, "significant_impairment", MUNDT_2002),
    ("wsas", 21, "moderately_severe_or_worse", MUNDT_2002),
    ("wsas", 40, "moderately_severe_or_worse", MUNDT_2002),
    ("core10", 0, "healthy", CORE_BANDS),
    ("core10", 5, "healthy", CORE_BANDS),
    ("core10", 6, "low_level", CORE_BANDS),
    ("core10", 10, "low_level", CORE_BANDS),
    ("core10", 11, "mild", CORE_BANDS),
    ("core10", 14, "mild", CORE_BANDS),
    ("core10", 15, "moderate", CORE_BANDS),
    ("core10", 19, "moderate", CORE_BANDS),
    ("core10", 20, "moderate_to_severe", CORE_BANDS),
    ("core10", 24, "moderate_to_severe", CORE_BANDS),
    ("core10", 25, "severe", CORE_BANDS),
    ("core10", 40, "severe", CORE_BANDS),
    ("wemwbs", 14, "probable_depression", WARWICK),
    ("wemwbs", 40, "probable_depression", WARWICK),
    ("wemwbs", 41, "possible_depression", WARWICK),
    ("wemwbs", 44, "possible_depression", WARWICK),
    ("wemwbs", 45, "average", WARWICK),
    ("wemwbs", 59, "average", WARWICK),
    ("wemwbs", 60, "high", WARWICK),
    ("wemwbs", 70, "high", WARWICK),
    ("pcl5", 0, "below_threshold", NCPTSD),
    ("pcl5", 32, "below_threshold", NCPTSD),
    ("pcl5", 33, "probable_ptsd", NCPTSD),
    ("pcl5", 80, "probable_ptsd", NCPTSD),
    ("audit", 0, "low_risk", WHO_AUDIT),
    ("audit", 7, "low_risk", WHO_AUDIT),
    ("audit", 8, "hazardous", WHO_AUDIT),
    ("audit", 15, "hazardous", WHO_AUDIT),
    ("audit", 16, "harmful", WHO_AUDIT),
    ("audit", 19, "harmful", WHO_AUDIT),
    ("audit", 20, "possible_dependence", WHO_AUDIT),
    ("audit", 40, "possible_dependence", WHO_AUDIT),
    ("audit_c", 0, "negative", OHID),
    ("audit_c", 4, "negative", OHID),
    ("audit_c", 5, "positive", OHID),
    ("audit_c", 12, "positive", OHID),
    ("who5", 0, "poor_wellbeing", WHO5),
    ("who5", 12, "poor_wellbeing", WHO5),
    ("who5", 13, "not_poor_wellbeing", WHO5),
    ("who5", 25, "not_poor_wellbeing", WHO5),
    ("epds", 0, "below_threshold", COX_1987),
    ("epds", 9, "below_threshold", COX_1987),
    ("epds", 10, "possible_depression", COX_1987),
    ("epds", 12, "possible_depression", COX_1987),
    ("epds", 13, "probable_depression", COX_1987),
    ("epds", 30, "probable_depression", COX_1987),
    ("k10", 10, "likely_well", ANDREWS_2001),
    ("k10", 19, "likely_well", ANDREWS_2001),
    ("k10", 20, "mild", ANDREWS_2001),
    ("k10", 24, "mild", ANDREWS_2001),
    ("k10", 25, "moderate", ANDREWS_2001),
    ("k10", 29, "moderate", ANDREWS_2001),
    ("k10", 30, "severe", ANDREWS_2001),
    ("k10", 50, "severe", ANDREWS_2001),
]


@pytest.mark.parametrize(
    ("instrument", "total", "label", "source"),
    BAND_EDGES,
    ids=[f"{i}-{t}-{label}" for i, t, label, _ in BAND_EDGES],
)
def test_band_edge(instrument: str, total: int, label: str, source: str) -> None:
    result = score(instrument, responses_for_total(instrument, total))
    assert result.valid, result.errors
    assert result.total == total
    assert result.severity == label, source


def test_the_table_covers_every_band_edge_in_the_library() -> None:
    """A band added to a data file without a cited row here fails this test."""
    covered = {(i, t) for i, t, _, _ in BAND_EDGES}
    for instrument in all_instruments():
        for band in instrument.severity.bands:
            assert (instrument.id, int(band.minimum)) in covered, (instrument.id, band.label)
            assert (instrument.id, int(band.maximum)) in covered, (instrument.id, band.label)


SWEMWBS_TABLE = "Warwick SWEMWBS raw-to-metric conversion table (three independent copies)"


@pytest.mark.parametrize(
    ("raw", "metric"),
    [
        (7, 7.00),
        (8, 9.51),
        (14, 15.32),
        (20, 18.59),
        (21, 19.25),
        (28, 25.03),
        (34, 32.55),
        (35, 35.00),
    ],
)
def test_swemwbs_reports_the_metric_score_and_no_severity(raw: int, metric: float) -> None:
    result = score("swemwbs", responses_for_total("swemwbs", raw))
    assert result.total == raw
    assert result.extras["swemwbs_metric"] == metric, SWEMWBS_TABLE
    assert result.severity is None, "SWEMWBS has no bands (issue 3 conventions)"


CSSRS = "C-SSRS Screen Version triage guidance (Columbia Lighthouse Project; Blueprint summary)"


@pytest.mark.parametrize(
    ("responses", "level"),
    [
        ([0, 0, None, None, None, 0], "none"),
        ([1, 0, None, None, None, 0], "low_risk"),
        ([0, 1, 0, 0, 0, 0], "low_risk"),
        ([1, 1, 1, 0, 0, 0], "moderate_risk"),
        ([0, 0, None, None, None, 1], "moderate_risk"),
        ([1, 1, 0, 1, 0, 0], "high_risk"),
        ([1, 1, 0, 0, 1, 0], "high_risk"),
        ([0, 0, None, None, None, 2], "high_risk"),
        ([1, 1, 1, 1, 1, 2], "high_risk"),
    ],
)
def test_cssrs_screener_triage_level_and_no_total(responses: list[int | None], level: str) -> None:
    result = score("cssrs_screener", responses)
    assert result.valid, result.errors
    assert result.severity == level, CSSRS
    assert result.total is None
