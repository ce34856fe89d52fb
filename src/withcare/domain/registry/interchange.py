"""CSV and JSON import and export of the registry.

Imports are all-or-nothing: :func:`import_json` and :func:`import_csv` return either an
:class:`Accepted` batch in which every record validated and every reference resolves, or a
:class:`Rejected` list naming each bad line (CSV) or record (JSON) and the reason. Nothing is
half-imported, because the caller only ever receives a complete batch to write in one transaction.

CSV holds one record kind per file. Nested provenance is flattened into ``provenance.<field>``
columns; lists are written with ``;`` between items; an empty cell means "not given".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from withcare.domain.registry.bundle import RECORD_KINDS, RegistryBundle, integrity_problems
from withcare.domain.registry.facts import AnswerType, fact_catalogue

LIST_SEPARATOR = ";"
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


@dataclass(frozen=True)
class ImportProblem:
    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


@dataclass(frozen=True)
class Accepted:
    bundle: RegistryBundle

    @property
    def counts(self) -> dict[str, int]:
        return {kind: len(self.bundle.records(kind)) for kind in RECORD_KINDS}


@dataclass(frozen=True)
class Rejected:
    problems: tuple[ImportProblem, ...]


ImportResult = Accepted | Rejected


def _describe(error: ValidationError) -> list[str]:
    reasons = []
    for detail in error.errors():
        where = ".".join(str(part) for part in detail["loc"])
        message = detail["msg"].removeprefix("Value error, ")
        reasons.append(f"{where}: {message}" if where else message)
    return reasons


def _finish(
    records: Mapping[str, list[BaseModel]],
    problems: list[ImportProblem],
    known_ids: Mapping[str, Iterable[str]] | None,
    where: Mapping[tuple[str, int], str],
) -> ImportResult:
    # Reference checks run over the records that did validate, so one pass reports both kinds
    # of problem; ``where`` maps (kind, position among valid records) to the original location.
    bundle = RegistryBundle.model_validate({kind: tuple(items) for kind, items in records.items()})
    problems = problems + [
        ImportProblem(where.get((p.kind, p.index), f"{p.kind} #{p.index + 1}"), p.message)
        for p in integrity_problems(bundle, known_ids)
    ]
    if problems:
        return Rejected(tuple(sorted(problems, key=_reading_order)))
    return Accepted(bundle)


def _reading_order(problem: ImportProblem) -> tuple[int, str]:
    """Line problems in line order, so a person can work down the file."""
    head, _, rest = problem.location.partition(" ")
    number = rest.split(" ")[0].lstrip("#")
    return (int(number) if head == "line" and number.isdigit() else 0, problem.location)


def import_json(text: str, known_ids: Mapping[str, Iterable[str]] | None = None) -> ImportResult:
    """Validate a JSON bundle (an object with one list per record kind)."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        return Rejected((ImportProblem(f"line {error.lineno}", f"not valid JSON: {error.msg}"),))
    if not isinstance(raw, dict):
        return Rejected((ImportProblem("document", "expected an object of record lists"),))
    problems: list[ImportProblem] = [
        ImportProblem(str(kind), f"unknown record kind; expected one of {', '.join(RECORD_KINDS)}")
        for kind in raw
        if kind not in RECORD_KINDS
    ]
    records: dict[str, list[BaseModel]] = {}
    where: dict[tuple[str, int], str] = {}
    for kind, model in RECORD_KINDS.items():
        items = raw.get(kind, [])
        if not isinstance(items, list):
            problems.append(ImportProblem(kind, "must be a list"))
            continue
        records[kind] = []
        for index, item in enumerate(items):
            record_id = item.get("id", "?") if isinstance(item, dict) else "?"
            location = f"{kind} #{index + 1} (id {record_id})"
            try:
                records[kind].append(model.model_validate(item))
                where[(kind, len(records[kind]) - 1)] = location
            except ValidationError as error:
                problems.extend(ImportProblem(location, reason) for reason in _describe(error))
    return _finish(records, problems, known_ids, where)


def _cell_to_value(column: str, cell: str) -> object:
    if column.endswith("_ids"):
        return [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()]
    return cell


def _fact_value(key: str, cell: str) -> object:
    """Read a fact's value cell using the catalogue's answer type for that key."""
    definition = fact_catalogue().get(key)
    if definition is None:
        return cell
    kind = definition.answer_type
    if kind is AnswerType.BOOL:
        lowered = cell.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return cell
    if kind is AnswerType.INT:
        try:
            return int(cell)
        except ValueError:
            return cell
    if kind is AnswerType.CHOICES:
        return [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()]
    return cell


def _row_to_record(row: Mapping[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for column, cell in row.items():
        if cell is None or cell.strip() == "":
            continue
        if "." in column:
            outer, inner = column.split(".", 1)
            record.setdefault(outer, {})[inner] = cell.strip()
        else:
            record[column] = _cell_to_value(column, cell.strip())
    return record


def import_csv(
    text: str, kind: str, known_ids: Mapping[str, Iterable[str]] | None = None
) -> ImportResult:
    """Validate a CSV file holding records of one kind; problems name the file's line numbers."""
    if kind not in RECORD_KINDS:
        return Rejected((ImportProblem("kind", f"unknown record kind {kind!r}"),))
    model = RECORD_KINDS[kind]
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    allowed = set(_columns(model))
    unknown = [column for column in header if column not in allowed]
    if not header:
        return Rejected((ImportProblem("line 1", "the file has no header row"),))
    if unknown:
        return Rejected((ImportProblem("line 1", f"unknown column(s): {', '.join(unknown)}"),))
    problems: list[ImportProblem] = []
    records: dict[str, list[BaseModel]] = {name: [] for name in RECORD_KINDS}
    where: dict[tuple[str, int], str] = {}
    for row in reader:
        location = f"line {reader.line_num}"
        if None in row:
            problems.append(ImportProblem(location, "more cells than columns"))
            continue
        record = _row_to_record(row)
        if kind == "facts" and isinstance(record.get("value"), str):
            record["value"] = _fact_value(str(record.get("key", "")), record["value"])
        try:
            records[kind].append(model.model_validate(record))
            where[(kind, len(records[kind]) - 1)] = location
        except ValidationError as error:
            problems.extend(ImportProblem(location, reason) for reason in _describe(error))
    return _finish(records, problems, known_ids, where)


def _columns(model: type[BaseModel]) -> list[str]:
    columns: list[str] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        nested = _nested_model(annotation)
        if nested is not None:
            columns.extend(f"{name}.{inner}" for inner in nested.model_fields)
        else:
            columns.append(name)
    return columns


def _nested_model(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def bundle_to_json(bundle: RegistryBundle) -> str:
    return json.dumps(
        bundle.model_dump(mode="json", exclude_none=True), indent=1, ensure_ascii=False
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def records_to_csv(bundle: RegistryBundle, kind: str) -> str:
    """One record kind as CSV, in the same columns :func:`import_csv` reads."""
    if kind not in RECORD_KINDS:
        raise KeyError(kind)
    model = RECORD_KINDS[kind]
    columns = _columns(model)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in bundle.records(kind):
        flat: dict[str, str] = {}
        for name, value in record.model_dump(mode="json").items():
            if isinstance(value, dict):
                flat.update({f"{name}.{inner}": _cell(v) for inner, v in value.items()})
            else:
                flat[name] = _cell(value)
        writer.writerow(flat)
    return out.getvalue()
