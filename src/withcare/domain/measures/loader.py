"""Reading instrument data files and refusing inconsistent ones.

Each instrument lives in ``instruments/<id>.toml`` inside the package so it ships with the wheel.
The loader checks what a reviewer would otherwise have to check by eye: every rule names a source
that the file lists, severity bands tile the score range without gaps or overlaps, and labels are
snake_case. A file that fails these checks fails loudly at load time rather than mis-scoring
someone later.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from withcare.domain.measures.model import (
    Band,
    Change,
    Derived,
    Instrument,
    Item,
    Licence,
    MissingRule,
    MissingRuleKind,
    ResponseOption,
    Severity,
    SkipCondition,
    Source,
    Subscale,
    TriageRule,
)

INSTRUMENT_IDS: tuple[str, ...] = (
    "phq9",
    "phq8",
    "phq2",
    "gad7",
    "gad2",
    "wsas",
    "core10",
    "wemwbs",
    "swemwbs",
    "pcl5",
    "audit",
    "audit_c",
    "who5",
    "epds",
    "k10",
    "cssrs_screener",
)
"""The stable, lowercase instrument ids the rest of the platform and its users rely on."""

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


class UnknownInstrumentError(ValueError):
    """Raised for an instrument id that is not in the library; the message lists the valid ids."""

    def __init__(self, instrument_id: object) -> None:
        self.instrument_id = instrument_id
        super().__init__(
            f"unknown instrument {instrument_id!r}; valid ids are: {', '.join(INSTRUMENT_IDS)}"
        )


class InstrumentDataError(ValueError):
    """Raised when an instrument data file is inconsistent."""


def load_instrument(instrument_id: str) -> Instrument:
    """Return the instrument with this id, or raise :class:`UnknownInstrumentError`."""
    if not isinstance(instrument_id, str) or instrument_id not in INSTRUMENT_IDS:
        raise UnknownInstrumentError(instrument_id)
    return _load(instrument_id)


def all_instruments() -> tuple[Instrument, ...]:
    """Every instrument in the library, in the order of :data:`INSTRUMENT_IDS`."""
    return tuple(_load(instrument_id) for instrument_id in INSTRUMENT_IDS)


@cache
def _load(instrument_id: str) -> Instrument:
    text = (
        resources.files("withcare.domain.measures")
        .joinpath("instruments", f"{instrument_id}.toml")
        .read_text(encoding="utf-8")
    )
    try:
        return parse_instrument(tomllib.loads(text))
    except (KeyError, TypeError, ValueError) as error:
        raise InstrumentDataError(f"{instrument_id}.toml: {error}") from error


def parse_instrument(data: dict[str, Any]) -> Instrument:
    """Build and check an :class:`Instrument` from the parsed TOML of one data file."""
    sources = tuple(Source(key, str(citation)) for key, citation in data["sources"].items())
    known = {source.key for source in sources}

    def cite(section: dict[str, Any], what: str) -> str:
        keys = str(section["source"])
        for key in keys.split(","):
            if key.strip() not in known:
                raise InstrumentDataError(f"{what} cites unknown source {key.strip()!r}")
        return keys

    response_sets = {
        name: tuple(
            ResponseOption(str(option["label"]), int(option["score"]), option.get("loinc_answer"))
            for option in spec["options"]
        )
        for name, spec in data["response_sets"].items()
    }
    default_set = data.get("default_response_set")
    items = tuple(
        _parse_item(number, spec, response_sets, default_set)
        for number, spec in enumerate(data["items"], start=1)
    )
    scoring = data["scoring"]
    has_total = bool(scoring.get("total", True))
    total_min = scoring.get("minimum")
    total_max = scoring.get("maximum")
    risk = data.get("risk", {})
    licence = data["licence"]
    loinc = data.get("loinc", {})
    subscales = data.get("subscales", {})
    change = data.get("change")

    instrument = Instrument(
        id=str(data["id"]),
        name=str(data["name"]),
        short_name=str(data["short_name"]),
        stem=str(data["stem"]),
        period=str(data["period"]),
        higher_is_better=bool(data.get("higher_is_better", False)),
        items=items,
        has_total=has_total,
        total_minimum=None if total_min is None else int(total_min),
        total_maximum=None if total_max is None else int(total_max),
        scoring_source=cite(scoring, "scoring"),
        severity=_parse_severity(data.get("severity"), cite),
        missing=_parse_missing(data["missing"], cite),
        risk_threshold=int(risk.get("threshold", 1)),
        risk_source=cite(risk, "risk") if risk else None,
        licence=Licence(
            holder=str(licence["holder"]),
            terms=str(licence["terms"]),
            requires_registration=bool(licence["requires_registration"]),
            commercial_use_allowed=licence.get("commercial_use_allowed"),
            verbatim_text=bool(licence["verbatim_text"]),
            source=cite(licence, "licence"),
        ),
        sources=sources,
        subscales=tuple(
            Subscale(
                str(spec["name"]),
                tuple(int(n) for n in spec["items"]),
                spec.get("minimum_symptoms"),
            )
            for spec in subscales.get("list", ())
        ),
        subscales_source=cite(subscales, "subscales") if subscales else None,
        derived=tuple(_parse_derived(spec, cite) for spec in data.get("derived", ())),
        loinc_panel=loinc.get("panel"),
        loinc_total=loinc.get("total"),
        loinc_source=cite(loinc, "loinc") if loinc else None,
        change=_parse_change(change, cite) if change else None,
        notes=tuple(str(note) for note in data.get("notes", ())),
    )
    _check(instrument)
    return instrument


def _parse_item(
    number: int,
    spec: dict[str, Any],
    response_sets: dict[str, tuple[ResponseOption, ...]],
    default_set: str | None,
) -> Item:
    options = response_sets[str(spec.get("response_set", default_set))]
    reverse = bool(spec.get("reverse_keyed", False))
    if reverse:
        # The printed boxes stay in the same order; the scores run the other way.
        scores = [option.score for option in reversed(options)]
        options = tuple(
            ResponseOption(option.label, score, option.loinc_answer)
            for option, score in zip(options, scores, strict=True)
        )
    return Item(
        number=number,
        text=str(spec["text"]),
        options=options,
        reverse_keyed=reverse,
        risk=bool(spec.get("risk", False)),
        allow_not_applicable=bool(spec.get("allow_not_applicable", False)),
        loinc=spec.get("loinc"),
    )


def _parse_severity(spec: dict[str, Any] | None, cite: Any) -> Severity:
    if spec is None:
        return Severity((), (), None, "", "")
    return Severity(
        bands=tuple(
            Band(str(b["label"]), str(b["name"]), float(b["min"]), float(b["max"]))
            for b in spec.get("bands", ())
        ),
        triage=tuple(
            TriageRule(
                str(rule["label"]),
                str(rule["name"]),
                tuple((int(item), int(at_least)) for item, at_least in rule["any_item_at_least"]),
            )
            for rule in spec.get("triage", ())
        ),
        default_label=spec.get("default_label"),
        note=str(spec.get("note", "")),
        source=str(cite(spec, "severity")),
    )


def _parse_missing(spec: dict[str, Any], cite: Any) -> MissingRule:
    return MissingRule(
        kind=MissingRuleKind(spec["rule"]),
        max_missing=int(spec.get("max_missing", 0)),
        round_half_up=bool(spec.get("round_half_up", False)),
        skips=tuple(
            SkipCondition(
                tuple(int(n) for n in skip["when_items"]),
                int(skip["equals"]),
                tuple(int(n) for n in skip["skip"]),
            )
            for skip in spec.get("skips", ())
        ),
        note=str(spec.get("note", "")),
        source=str(cite(spec, "missing-item rule")),
    )


def _parse_derived(spec: dict[str, Any], cite: Any) -> Derived:
    table = tuple(
        (int(raw), float(value))
        for raw, value in zip(spec.get("raw", ()), spec.get("value", ()), strict=True)
    )
    return Derived(
        name=str(spec["name"]),
        kind=str(spec["kind"]),
        note=str(spec.get("note", "")),
        source=str(cite(spec, f"derived value {spec['name']}")),
        factor=float(spec.get("factor", 1.0)),
        threshold=int(spec.get("threshold", 0)),
        table=table,
    )


def _parse_change(spec: dict[str, Any], cite: Any) -> Change:
    def number(key: str) -> float | None:
        value = spec.get(key)
        return None if value is None else float(value)

    return Change(
        source=str(cite(spec, "change")),
        note=str(spec.get("note", "")),
        reliable_change=number("reliable_change"),
        clinical_cutoff=number("clinical_cutoff"),
        sem=number("sem"),
        sd_pre=number("sd_pre"),
        reliability=number("reliability"),
        mean_dysfunctional=number("mean_dysfunctional"),
        sd_dysfunctional=number("sd_dysfunctional"),
        mean_functional=number("mean_functional"),
        sd_functional=number("sd_functional"),
    )


_DERIVED_KINDS = {"conversion", "multiply", "any_item_at_most", "symptom_clusters"}


def _check(instrument: Instrument) -> None:
    """Refuse a definition whose parts contradict each other."""
    where = instrument.id
    for item in instrument.items:
        if len(item.allowed_scores) != len(item.options):
            raise InstrumentDataError(f"{where} item {item.number}: two options share a score")
    for label in instrument.severity_labels:
        if not _SNAKE.match(label):
            raise InstrumentDataError(f"{where}: severity label {label!r} is not snake_case")
    if instrument.has_total:
        low = sum(min(item.allowed_scores) for item in instrument.items)
        high = sum(max(item.allowed_scores) for item in instrument.items)
        if (low, high) != (instrument.total_minimum, instrument.total_maximum):
            raise InstrumentDataError(
                f"{where}: items give range {low}-{high}, file says otherwise"
            )
        _check_bands(instrument, low, high)
    elif instrument.severity.bands:
        raise InstrumentDataError(f"{where}: bands need a total")
    referenced = [n for sub in instrument.subscales for n in sub.items]
    referenced += [n for rule in instrument.severity.triage for n, _ in rule.any_item_at_least]
    referenced += [n for skip in instrument.missing.skips for n in skip.when_items + skip.skip]
    for number in referenced:
        if not 1 <= number <= instrument.item_count:
            raise InstrumentDataError(f"{where}: item {number} does not exist")
    for derived in instrument.derived:
        if derived.kind not in _DERIVED_KINDS:
            raise InstrumentDataError(f"{where}: unknown derived kind {derived.kind!r}")
    if instrument.missing.kind is MissingRuleKind.PRORATE and instrument.missing.max_missing < 1:
        raise InstrumentDataError(
            f"{where}: a pro-rating rule must allow at least one missing item"
        )


def _check_bands(instrument: Instrument, low: int, high: int) -> None:
    bands = instrument.severity.bands
    if not bands:
        return
    if bands[0].minimum != low or bands[-1].maximum != high:
        raise InstrumentDataError(f"{instrument.id}: bands do not cover {low}-{high}")
    for lower, upper in itertools.pairwise(bands):
        if upper.minimum != lower.maximum + 1:
            raise InstrumentDataError(
                f"{instrument.id}: bands {lower.label} and {upper.label} leave a gap or overlap"
            )
