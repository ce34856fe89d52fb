"""Batch scoring and course outcomes over JSON lines or CSV, one output record per input record.

Services and researchers score existing data in bulk, so one bad line must never stop the rest: a
line that is not JSON, not an object, or names an unknown instrument produces an error record for
that line and processing continues. Output order follows input order, so outputs can be joined back
to inputs by position. The functions here turn text lines into records and records into text; the
command line (``withcare score --batch``) only adds files and streams.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import StrEnum

from withcare.domain.measures.loader import UnknownInstrumentError, all_instruments, load_instrument
from withcare.domain.measures.model import MissingRuleKind
from withcare.domain.measures.outcomes import OutcomeInputError, course_outcome
from withcare.domain.measures.scoring import score

Record = dict[str, object]


class Format(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


SCORE_COLUMNS: tuple[str, ...] = ("instrument", "total", "severity", "risk_flag", "valid", "errors")
OUTCOME_INPUTS: tuple[str, ...] = ("phq9_first", "phq9_last", "gad7_first", "gad7_last")
OUTCOME_COLUMNS: tuple[str, ...] = (
    "at_caseness_start",
    "recovered",
    "reliable_improvement",
    "reliable_recovery",
    "reliable_deterioration",
    "errors",
)
_INTEGER = re.compile(r"^[+-]?\d+$")
_ITEM_COLUMN = re.compile(r"^item_(\d+)$")


def score_csv_columns() -> tuple[str, ...]:
    """Every column a score CSV can have: fixed, so a spreadsheet's columns never move."""
    extra: list[str] = []
    for instrument in all_instruments():
        extra += [f"subscale_{sub.name}" for sub in instrument.subscales]
        extra += [derived.name for derived in instrument.derived]
    if any(i.missing.kind is MissingRuleKind.PRORATE for i in all_instruments()):
        extra.append("prorated")
    return SCORE_COLUMNS + tuple(dict.fromkeys(extra))


def _score_error(message: str, instrument: object = None) -> Record:
    return {
        "instrument": instrument if isinstance(instrument, str) else None,
        "total": None,
        "severity": None,
        "risk_flag": False,
        "valid": False,
        "errors": [message],
    }


def score_request(request: object) -> Record:
    """Score one ``{"instrument", "responses", "encoding"?}`` object; never raises."""
    if not isinstance(request, Mapping):
        return _score_error("expected a JSON object with 'instrument' and 'responses'")
    instrument = request.get("instrument")
    if instrument is None:
        return _score_error("'instrument' is missing")
    try:
        encoding = request.get("encoding") or "item_score"
        result = score(str(instrument), request.get("responses"), str(encoding))
    except UnknownInstrumentError as error:
        return _score_error(str(error), instrument)
    return result.as_record()


def outcome_request(request: object) -> Record:
    """Course outcome flags for one ``{"phq9_first", ...}`` object; never raises."""
    if not isinstance(request, Mapping):
        return _outcome_error("expected a JSON object with " + ", ".join(OUTCOME_INPUTS))
    try:
        outcome = course_outcome(*(request.get(key) for key in OUTCOME_INPUTS))
    except OutcomeInputError as error:
        return _outcome_error(str(error))
    return {**outcome.as_record(), "errors": []}


def _outcome_error(message: str) -> Record:
    record: Record = dict.fromkeys(OUTCOME_COLUMNS[:-1])
    record["errors"] = [message]
    return record


def _json_objects(lines: Iterable[str | bytes]) -> Iterator[tuple[object, str | None]]:
    """Each line parsed as JSON, or the reason it could not be."""
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            yield None, f"line {number}: not UTF-8 text"
            continue
        if not line.strip():
            yield None, f"line {number}: empty line"
            continue
        try:
            yield json.loads(line), None
        except json.JSONDecodeError as error:
            yield None, f"line {number}: not valid JSON ({error.msg} at column {error.colno})"


def score_jsonl(lines: Iterable[str | bytes]) -> Iterator[Record]:
    for request, problem in _json_objects(lines):
        yield _score_error(problem) if problem else score_request(request)


def outcomes_jsonl(lines: Iterable[str | bytes]) -> Iterator[Record]:
    for request, problem in _json_objects(lines):
        yield _outcome_error(problem) if problem else outcome_request(request)


def _cell(value: str | None) -> object:
    """A CSV cell as a response: blank is unanswered, digits are numbers, else left as text."""
    text = (value or "").strip()
    if not text:
        return None
    return int(text) if _INTEGER.match(text) else text


def _csv_rows(text: str) -> Iterator[tuple[dict[str, str], str | None]]:
    reader = csv.DictReader(io.StringIO(text))
    for row in reader:
        extra = row.pop(None, None)
        problem = None
        if extra:
            problem = f"line {reader.line_num}: more cells than the header has columns"
        yield {k: v for k, v in row.items() if k is not None}, problem


def _csv_responses(row: Mapping[str, str], item_count: int) -> list[object]:
    numbered = {
        int(match.group(1)): value
        for key, value in row.items()
        if (match := _ITEM_COLUMN.match(key.strip()))
    }
    width = max(numbered, default=0)
    cells = [_cell(numbered.get(n)) for n in range(1, width + 1)]
    if width <= item_count:
        return cells
    answered = [i for i, cell in enumerate(cells) if cell is not None]
    last = max(answered, default=-1) + 1
    return cells[: max(item_count, last)]


def score_csv(text: str) -> Iterator[Record]:
    """Rows with ``instrument``, optional ``encoding`` and ``item_1``..``item_n`` columns."""
    for row, problem in _csv_rows(text):
        if problem:
            yield _score_error(problem)
            continue
        instrument_id = (row.get("instrument") or "").strip()
        try:
            instrument = load_instrument(instrument_id)
        except UnknownInstrumentError as error:
            yield _score_error(str(error), instrument_id or None)
            continue
        request = {
            "instrument": instrument_id,
            "responses": _csv_responses(row, instrument.item_count),
            "encoding": (row.get("encoding") or "").strip() or "item_score",
        }
        yield score_request(request)


def outcomes_csv(text: str) -> Iterator[Record]:
    for row, problem in _csv_rows(text):
        if problem:
            yield _outcome_error(problem)
            continue
        yield outcome_request({key: _cell(row.get(key)) for key in OUTCOME_INPUTS})


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return " | ".join(str(v) for v in value)
    return str(value)


def _flatten(record: Mapping[str, object]) -> dict[str, object]:
    flat = {key: value for key, value in record.items() if key != "subscales"}
    subscales = record.get("subscales")
    if isinstance(subscales, Mapping):
        flat.update({f"subscale_{name}": value for name, value in subscales.items()})
    return flat


def csv_lines(records: Iterable[Mapping[str, object]], columns: Sequence[str]) -> Iterator[str]:
    """The header, then one CSV line per record (each line ends with a newline)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(columns)
    yield flush()
    for record in records:
        flat = _flatten(record)
        writer.writerow([_csv_value(flat.get(column)) for column in columns])
        yield flush()


def jsonl_lines(records: Iterable[Mapping[str, object]]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False) + "\n"
