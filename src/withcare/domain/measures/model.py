"""The shape of an instrument definition, as read from its data file.

Instruments are data, not code (P4): a reviewer checks a scoring rule against its published source
by reading one TOML file, and every rule in that file names the source it comes from. These frozen
dataclasses are the typed, validated form of those files; nothing here knows how to score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Encoding(StrEnum):
    """How a response value is expressed.

    ``item_score`` is the value that counts towards the total (already reversed for reverse-keyed
    items). ``form_position`` is the 0-based position of the ticked box on the printed form, top to
    bottom; the scorer maps it to the item score, which reverses reverse-keyed items.
    """

    ITEM_SCORE = "item_score"
    FORM_POSITION = "form_position"


class MissingRuleKind(StrEnum):
    """What the instrument's authors publish about unanswered items."""

    NONE = "none"  # no published rule: any missing item makes the form invalid
    PRORATE = "prorate"  # replace missing items by the mean of the answered ones
    SKIP_LOGIC = "skip_logic"  # items the form tells people to skip count as answered with 0


NOT_APPLICABLE = "not_applicable"
"""The response value for an item the person cannot answer by design (WSAS work item when retired).

It is not a missing value: the item is left out of the total instead of making the form invalid.
"""


@dataclass(frozen=True)
class Source:
    """A published source that a rule comes from."""

    key: str
    citation: str


@dataclass(frozen=True)
class ResponseOption:
    """One printed answer box, in form order, with the score it carries for its item."""

    label: str
    score: int
    loinc_answer: str | None = None


@dataclass(frozen=True)
class Item:
    """One question. ``options`` are in printed order and carry the item's own scores."""

    number: int
    text: str
    options: tuple[ResponseOption, ...]
    reverse_keyed: bool = False
    risk: bool = False
    allow_not_applicable: bool = False
    loinc: str | None = None

    @property
    def allowed_scores(self) -> tuple[int, ...]:
        return tuple(sorted({option.score for option in self.options}))

    @property
    def link_id(self) -> str:
        """The stable identifier of the item in FHIR resources and CSV columns."""
        return f"item_{self.number}"


@dataclass(frozen=True)
class Band:
    """A severity band: ``label`` is the stable snake_case id, ``name`` the published wording."""

    label: str
    name: str
    minimum: float
    maximum: float


@dataclass(frozen=True)
class TriageRule:
    """A severity level reached when any listed item reaches its threshold (C-SSRS screener)."""

    label: str
    name: str
    any_item_at_least: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Severity:
    """Severity bands over the total, or triage rules over items for instruments with no total."""

    bands: tuple[Band, ...]
    triage: tuple[TriageRule, ...]
    default_label: str | None
    note: str
    source: str


@dataclass(frozen=True)
class SkipCondition:
    """When the listed items are answered and sum to ``equals``, ``skip`` items may be blank."""

    when_items: tuple[int, ...]
    equals: int
    skip: tuple[int, ...]


@dataclass(frozen=True)
class MissingRule:
    kind: MissingRuleKind
    max_missing: int
    round_half_up: bool
    skips: tuple[SkipCondition, ...]
    note: str
    source: str


@dataclass(frozen=True)
class Subscale:
    name: str
    items: tuple[int, ...]
    minimum_symptoms: int | None = None


@dataclass(frozen=True)
class Derived:
    """An extra value reported beside the total, e.g. ``swemwbs_metric``.

    ``kind`` is one of ``conversion`` (look the raw total up in ``table``), ``multiply`` (total x
    ``factor``), ``any_item_at_most`` (true when any item score is at most ``threshold``) and
    ``symptom_clusters`` (every subscale has at least its minimum count of items scored at or above
    ``threshold``: the PCL-5 DSM-5 algorithm).
    """

    name: str
    kind: str
    note: str
    source: str
    factor: float = 1.0
    threshold: int = 0
    table: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True)
class Licence:
    holder: str
    terms: str
    requires_registration: bool
    commercial_use_allowed: bool | None
    verbatim_text: bool
    source: str


@dataclass(frozen=True)
class Change:
    """Published values for judging change in one person (Jacobson & Truax 1991).

    ``reliable_change`` is a published raw-score threshold; when absent it is derived from
    ``sem`` or from ``sd_pre`` and ``reliability``. ``clinical_cutoff`` is the published cut-off;
    when absent it is derived from the dysfunctional and functional norms (criterion c).
    """

    source: str
    note: str = ""
    reliable_change: float | None = None
    clinical_cutoff: float | None = None
    sem: float | None = None
    sd_pre: float | None = None
    reliability: float | None = None
    mean_dysfunctional: float | None = None
    sd_dysfunctional: float | None = None
    mean_functional: float | None = None
    sd_functional: float | None = None


@dataclass(frozen=True)
class Instrument:
    """A validated questionnaire: items, scoring rules, bands, licence and sources."""

    id: str
    name: str
    short_name: str
    stem: str
    period: str
    higher_is_better: bool
    items: tuple[Item, ...]
    has_total: bool
    total_minimum: int | None
    total_maximum: int | None
    scoring_source: str
    severity: Severity
    missing: MissingRule
    risk_threshold: int
    risk_source: str | None
    licence: Licence
    sources: tuple[Source, ...]
    subscales: tuple[Subscale, ...] = ()
    subscales_source: str | None = None
    derived: tuple[Derived, ...] = ()
    loinc_panel: str | None = None
    loinc_total: str | None = None
    loinc_source: str | None = None
    change: Change | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def item_count(self) -> int:
        return len(self.items)

    @property
    def risk_items(self) -> tuple[int, ...]:
        return tuple(item.number for item in self.items if item.risk)

    @property
    def reverse_keyed_items(self) -> tuple[int, ...]:
        return tuple(item.number for item in self.items if item.reverse_keyed)

    @property
    def severity_labels(self) -> tuple[str, ...]:
        if self.severity.triage:
            default = (self.severity.default_label,) if self.severity.default_label else ()
            return default + tuple(rule.label for rule in reversed(self.severity.triage))
        return tuple(band.label for band in self.severity.bands)

    def item(self, number: int) -> Item:
        return self.items[number - 1]

    def source(self, key: str) -> Source:
        for source in self.sources:
            if source.key == key:
                return source
        raise KeyError(key)
