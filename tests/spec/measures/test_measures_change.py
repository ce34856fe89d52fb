"""Jacobson-Truax reliable and clinically significant change at every published edge.

Each row names the published value it checks. The thresholds and cut-offs are written out here
rather than read from the data files, so a wrong number in a ``[change]`` table fails this table.
Change is ``post - pre``; a published raw-score threshold is reached at "at least" the threshold,
and a published cut-off puts a score at or beyond it in the clinical range.
"""

from __future__ import annotations

import math

import pytest

from withcare.domain.measures.change import ChangeCategory, NoPublishedNormsError, jacobson_truax
from withcare.domain.measures.loader import load_instrument

NHSTT = "NHS Talking Therapies (NHS Digital 2020; Clark et al. 2018): PHQ-9 6/10, GAD-7 4/8"
NCPTSD = "NCPTSD 'Using the PCL-5': reliable change 5-10 (platform takes 10), cut-off 33"
BARKHAM_2013 = "Barkham et al. 2013, Couns Psychother Res 13:3, abstract: cut-off 11.0, RCI (90%) 6"
MATTHEY_2004 = "Matthey 2004, doi:10.1016/S0165-0327(02)00313-0, abstract: RCI 4, cut-off 12/13"
MAHESWARAN_2012 = "Maheswaran et al. 2012, HQLO 10:156, abstract: SEM 2.4-3.1 (3.1 taken), 2.77 SEM"

WEMWBS_THRESHOLD = 1.96 * math.sqrt(2) * 3.1  # 8.59: 2.77 SEM with SEM 3.1

SAME = ChangeCategory.UNCHANGED
BETTER = ChangeCategory.IMPROVED
WELL = ChangeCategory.RECOVERED
WORSE = ChangeCategory.DETERIORATED

# (instrument, reliable-change threshold, clinical cut-off, source)
PUBLISHED: list[tuple[str, float, float | None, str]] = [
    ("phq9", 6, 10, NHSTT),
    ("gad7", 4, 8, NHSTT),
    ("pcl5", 10, 33, NCPTSD),
    ("core10", 6, 11, BARKHAM_2013),
    ("epds", 4, 13, MATTHEY_2004),
    ("wemwbs", WEMWBS_THRESHOLD, None, MAHESWARAN_2012),
]


@pytest.mark.parametrize(
    ("instrument", "threshold", "cutoff", "source"),
    PUBLISHED,
    ids=[f"{row[0]}: {row[3]}" for row in PUBLISHED],
)
def test_published_threshold_and_cutoff(
    instrument: str, threshold: float, cutoff: float | None, source: str
) -> None:
    judged = jacobson_truax(instrument, 20, 20)
    assert judged.threshold == pytest.approx(threshold), source
    assert judged.cutoff == cutoff, source


# (instrument, pre, post, category, clinically significant, source)
EDGES: list[tuple[str, float, float, ChangeCategory, bool | None, str]] = [
    # CORE-10: reliable change 6 (at least), clinical range 11 or more; lower is better.
    ("core10", 20, 15, SAME, False, BARKHAM_2013),  # fall 5: just below 6
    ("core10", 20, 14, BETTER, False, BARKHAM_2013),  # fall 6: reliable, still at or above 11
    ("core10", 20, 14.5, SAME, False, BARKHAM_2013),  # pro-rated fall 5.5 is not reliable
    ("core10", 17, 11, BETTER, False, BARKHAM_2013),  # reliable, lands on 11: still clinical
    ("core10", 16, 10, WELL, True, BARKHAM_2013),  # reliable and below 11
    ("core10", 16.5, 10.5, WELL, True, BARKHAM_2013),  # pro-rated, just below the cut-off
    ("core10", 10, 10, SAME, False, BARKHAM_2013),
    ("core10", 5, 10, SAME, False, BARKHAM_2013),  # rise 5: not reliable
    ("core10", 5, 11, WORSE, False, BARKHAM_2013),  # rise 6: reliable deterioration
    # EPDS: reliable change 4, cut-off 12/13 (13 or more clinical); lower is better.
    ("epds", 15, 12, SAME, False, MATTHEY_2004),  # fall 3: just below 4
    ("epds", 16, 12, WELL, True, MATTHEY_2004),  # fall 4 to 12: below 13
    ("epds", 17, 13, BETTER, False, MATTHEY_2004),  # fall 4 to 13: still at the cut-off
    ("epds", 12, 8, BETTER, False, MATTHEY_2004),  # starts below the cut-off: cannot recover
    ("epds", 9, 12, SAME, False, MATTHEY_2004),  # rise 3
    ("epds", 9, 13, WORSE, False, MATTHEY_2004),  # rise 4
    # WEMWBS: SEM 3.1, reliable when |change| > 8.59, i.e. 9 or more; higher is better; no cut-off.
    ("wemwbs", 40, 48, SAME, None, MAHESWARAN_2012),  # rise 8
    ("wemwbs", 40, 49, BETTER, None, MAHESWARAN_2012),  # rise 9
    ("wemwbs", 49, 41, SAME, None, MAHESWARAN_2012),  # fall 8
    ("wemwbs", 49, 40, WORSE, None, MAHESWARAN_2012),  # fall 9
]


@pytest.mark.parametrize(
    ("instrument", "pre", "post", "category", "significant", "source"),
    EDGES,
    ids=[f"{r[0]} {r[1]:g}->{r[2]:g} {r[3].value}: {r[5]}" for r in EDGES],
)
def test_reliable_and_clinically_significant_change_edges(
    instrument: str,
    pre: float,
    post: float,
    category: ChangeCategory,
    significant: bool | None,
    source: str,
) -> None:
    judged = jacobson_truax(instrument, pre, post)
    assert judged.category is category, source
    assert judged.clinically_significant is significant, source
    assert judged.change == pytest.approx(post - pre)


def test_wemwbs_rci_is_change_over_s_diff() -> None:
    # S_diff = sqrt(2) x 3.1 = 4.384; a rise of 9 gives RC = 2.053 > 1.96, a rise of 8 gives 1.825.
    assert jacobson_truax("wemwbs", 40, 49).rci == pytest.approx(9 / (math.sqrt(2) * 3.1))
    assert jacobson_truax("wemwbs", 40, 48).rci == pytest.approx(8 / (math.sqrt(2) * 3.1))


def test_core10_reliable_change_is_the_90_percent_criterion() -> None:
    change = load_instrument("core10").change
    assert change is not None
    assert "90%" in change.note
    assert "Primary" in load_instrument("core10").source(change.source).citation


NO_VERIFIED_NORMS = ["swemwbs", "k10", "wsas", "who5", "audit", "audit_c", "phq8", "phq2", "gad2"]


@pytest.mark.parametrize("instrument", NO_VERIFIED_NORMS)
def test_instruments_without_verified_norms_refuse_to_judge(instrument: str) -> None:
    # docs/measures/instruments.md lists what was searched for each of these.
    with pytest.raises(NoPublishedNormsError):
        jacobson_truax(instrument, 10, 10)
