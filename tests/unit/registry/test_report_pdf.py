from __future__ import annotations

import re
from datetime import UTC, datetime

from withcare.domain.registry.assessment import self_assess
from withcare.domain.registry.report_pdf import assessment_to_pdf, text_pdf


def test_pdf_structure_is_consistent() -> None:
    pdf = text_pdf([("Title", True), ("a (bracketed) line with a back\\slash", False)] * 80)
    assert pdf.startswith(b"%PDF-1.4\n")
    assert pdf.endswith(b"%%EOF\n")
    startxref = int(re.search(rb"startxref\n(\d+)\n", pdf).group(1))  # type: ignore[union-attr]
    assert pdf[startxref:].startswith(b"xref\n")
    entries = re.findall(rb"(\d{10}) 00000 n \n", pdf[startxref:])
    for number, offset in enumerate(entries, start=1):
        assert pdf[int(offset) :].startswith(f"{number} 0 obj\n".encode())
    # 160 lines do not fit on one page.
    assert b"/Count 3" in pdf
    assert rb"\(bracketed\)" in pdf
    for length, body in re.findall(rb"<< /Length (\d+) >>\nstream\n(.*?)\nendstream", pdf, re.S):
        assert int(length) == len(body)


def test_assessment_pdf_carries_the_classifications_and_gaps() -> None:
    a = self_assess(
        {"intended_use.significance": "treat", "intended_use.seriousness": "critical"},
        technology="Café ✓",
        at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    pdf = assessment_to_pdf(a)
    assert "Self-assessment: Café ?".encode("latin-1") in pdf
    assert b"imdrf_samd: IV" in pdf
    assert b"Gaps and the evidence" in pdf
