"""A plain-text PDF of the self-assessment report, written without any PDF library.

The report is mostly sentences and short tables, so a minimal PDF (A4 pages, the two standard
Helvetica fonts every reader has, no images) is enough and keeps the dependency list short. It is
not tagged PDF: the HTML report is the accessible version, and the PDF says so on its first page.
Characters outside Latin-1 (the standard fonts' encoding) are shown as "?".
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from withcare.domain.registry.assessment import SelfAssessment, assessment_to_dict

_PAGE_WIDTH, _PAGE_HEIGHT = 595, 842  # A4 in points
_MARGIN = 50
_FONT_SIZE = 10
_LEADING = 13
_WRAP = 95
_LINES_PER_PAGE = (_PAGE_HEIGHT - 2 * _MARGIN) // _LEADING

Line = tuple[str, bool]  # (text, bold)


def _escape(text: str) -> bytes:
    raw = text.encode("latin-1", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _wrapped(lines: Sequence[Line]) -> list[Line]:
    out: list[Line] = []
    for text, bold in lines:
        pieces = textwrap.wrap(text, _WRAP, subsequent_indent="    ") or [""]
        out.extend((piece, bold) for piece in pieces)
    return out


def _page_stream(lines: Sequence[Line]) -> bytes:
    parts = [b"BT", f"{_LEADING} TL".encode(), f"{_MARGIN} {_PAGE_HEIGHT - _MARGIN} Td".encode()]
    for text, bold in lines:
        font = b"/F2" if bold else b"/F1"
        parts.append(font + f" {_FONT_SIZE} Tf".encode())
        parts.append(b"(" + _escape(text) + b") Tj T*")
    parts.append(b"ET")
    return b"\n".join(parts)


def text_pdf(lines: Sequence[Line]) -> bytes:
    """Lay out lines on as many A4 pages as needed and return the PDF file's bytes."""
    wrapped = _wrapped(lines)
    pages = [wrapped[i : i + _LINES_PER_PAGE] for i in range(0, len(wrapped), _LINES_PER_PAGE)]
    pages = pages or [[]]
    # Objects: 1 catalog, 2 page tree, 3 and 4 fonts, then a (page, content) pair per page.
    page_ids = [5 + 2 * n for n in range(len(pages))]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(f"{pid} 0 R".encode() for pid in page_ids)
        + f"] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    for page_id, page in zip(page_ids, pages, strict=True):
        stream = _page_stream(page)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_PAGE_WIDTH} {_PAGE_HEIGHT}] "
            "/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> "
            f"/Contents {page_id + 1} 0 R >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)


def assessment_to_pdf(assessment: SelfAssessment) -> bytes:
    """The same content as the HTML report, as printable text."""
    data = assessment_to_dict(assessment)
    lines: list[Line] = [
        (f"Self-assessment: {data['technology']}", True),
        (
            f"Produced {data['produced_at']}. The HTML version of this report is the accessible "
            "one.",
            False,
        ),
        ("", False),
        ("Classifications", True),
    ]
    for c in data["classifications"]:
        value = c["value"] if c["value"] is not None else "not yet determined"
        lines.append(
            (
                f"{c['scheme']}: {value} (rules {c['rule_version']}); {'; '.join(c['reasons'])}",
                False,
            )
        )
    for f in data["frameworks"]:
        lines += [("", False), (f"{f['title']}: {f['overall']}", True)]
        lines += [(f"{s['title']}: {s['status']}", False) for s in f["sections"]]
    lines += [("", False), ("Gaps and the evidence that would close them", True)]
    lines += [
        (f"{i}. [{g['framework']}] {g['text']}: {g['how_to_close']}", False)
        for i, g in enumerate(data["gaps"], 1)
    ]
    if data["rejected_answers"]:
        lines += [("", False), ("Answers we could not use", True)]
        lines += [(problem, False) for problem in data["rejected_answers"]]
    return text_pdf(lines)
