"""Search, filter and compare technologies, and say plainly what is known and what is not.

Everything here works on :class:`Profile` objects built from a bundle, so the web page, the JSON
API and the command line filter and word things identically. A filter left as ``None`` does not
filter; a filter on a fact we do not know excludes the technology (we never guess in its favour).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from withcare.domain.registry.bundle import RegistryBundle
from withcare.domain.registry.classification import Classification, classify_all
from withcare.domain.registry.model import (
    Designation,
    Fact,
    FactValue,
    GuidanceRecord,
    IntendedUse,
    RegulatoryRecord,
    Study,
    Technology,
)
from withcare.domain.registry.vocabulary import (
    EvidenceLevel,
    GuidanceRecommendation,
    RegulatoryStatus,
    StudyDesign,
)

MAX_COMPARED = 4

_LEVEL_OF_DESIGN = {
    StudyDesign.SYSTEMATIC_REVIEW: EvidenceLevel.RANDOMISED,
    StudyDesign.RCT: EvidenceLevel.RANDOMISED,
    StudyDesign.NON_RANDOMISED_CONTROLLED: EvidenceLevel.CONTROLLED,
    StudyDesign.COHORT: EvidenceLevel.OBSERVATIONAL,
    StudyDesign.PRE_POST: EvidenceLevel.OBSERVATIONAL,
    StudyDesign.REAL_WORLD: EvidenceLevel.OBSERVATIONAL,
    StudyDesign.FEASIBILITY: EvidenceLevel.FEASIBILITY,
    StudyDesign.QUALITATIVE: EvidenceLevel.FEASIBILITY,
}


@dataclass(frozen=True)
class Profile:
    """Everything the registry holds about one technology, gathered once."""

    technology: Technology
    organisation_name: str | None
    intended_uses: tuple[IntendedUse, ...]
    facts: dict[str, FactValue]
    fact_records: dict[str, Fact]
    regulatory_records: tuple[RegulatoryRecord, ...]
    designations: tuple[Designation, ...]
    guidance: tuple[GuidanceRecord, ...]
    studies: tuple[Study, ...]
    classifications: tuple[Classification, ...] = field(default=())

    @property
    def evidence_level(self) -> EvidenceLevel:
        levels = [_LEVEL_OF_DESIGN[s.design] for s in self.studies]
        return max(levels, key=lambda level: level.rank, default=EvidenceLevel.NONE)

    @property
    def authorisations(self) -> tuple[RegulatoryRecord, ...]:
        return tuple(r for r in self.regulatory_records if r.status is RegulatoryStatus.AUTHORISED)

    @property
    def is_authorised(self) -> bool:
        return bool(self.authorisations)

    @property
    def conditions(self) -> tuple[str, ...]:
        named = [u.condition for u in self.intended_uses]
        extra = self.facts.get("intended_use.condition")
        if isinstance(extra, str):
            named.append(extra)
        return tuple(dict.fromkeys(named))


def _context_from_uses(
    uses: Sequence[IntendedUse], facts: dict[str, FactValue]
) -> dict[str, FactValue]:
    """Facts, completed from the first intended use where the facts are silent."""
    merged = dict(facts)
    if uses:
        primary = uses[0]
        merged.setdefault("intended_use.significance", primary.significance.value)
        merged.setdefault("intended_use.seriousness", primary.seriousness.value)
        merged.setdefault("intended_use.system_efficiency_only", primary.system_efficiency_only)
        merged.setdefault("intended_use.condition", primary.condition)
        merged.setdefault("intended_use.population", primary.population)
    return merged


def build_profiles(bundle: RegistryBundle, only: Collection[str] | None = None) -> list[Profile]:
    """Every technology's profile, or only those with the ids in ``only`` (a page about one or
    a few technologies need not classify the whole registry)."""
    profiles: list[Profile] = []
    for technology in bundle.technologies:
        if only is not None and technology.id not in only:
            continue
        uses: tuple[IntendedUse, ...] = bundle.for_technology("intended_uses", technology.id)
        regulatory: tuple[RegulatoryRecord, ...] = bundle.for_technology(
            "regulatory_records", technology.id
        )
        facts = _context_from_uses(uses, bundle.fact_values(technology.id))
        device = any(r.status is RegulatoryStatus.AUTHORISED for r in regulatory)
        organisation = bundle.organisation(technology.organisation_id)
        profiles.append(
            Profile(
                technology=technology,
                organisation_name=organisation.name if organisation else None,
                intended_uses=uses,
                facts=facts,
                fact_records=bundle.fact_records(technology.id),
                regulatory_records=regulatory,
                designations=bundle.for_technology("designations", technology.id),
                guidance=bundle.for_technology("guidance_records", technology.id),
                studies=bundle.for_technology("studies", technology.id),
                classifications=classify_all(facts, regulated_as_device=device),
            )
        )
    return profiles


@dataclass(frozen=True)
class Filters:
    text: str | None = None
    condition: str | None = None
    cost_models: frozenset[str] | None = None
    platform: str | None = None
    language: str | None = None
    works_offline: bool | None = None
    accessibility_feature: str | None = None
    min_evidence: EvidenceLevel | None = None
    authorised_only: bool = False
    nice_recommended_only: bool = False
    no_data_selling: bool = False
    no_advertising_sharing: bool = False


def _listed(profile: Profile, key: str, wanted: str) -> bool:
    value = profile.facts.get(key)
    return isinstance(value, tuple) and wanted in value


def matches(profile: Profile, filters: Filters) -> bool:
    checks: list[bool] = []
    if filters.text:
        needle = filters.text.casefold()
        haystack = " ".join(
            [profile.technology.name, profile.technology.description or "", *profile.conditions]
        ).casefold()
        checks.append(needle in haystack)
    if filters.condition:
        needle = filters.condition.casefold()
        checks.append(any(needle in c.casefold() for c in profile.conditions))
    if filters.cost_models is not None:
        checks.append(profile.facts.get("access.cost_model") in filters.cost_models)
    if filters.platform:
        checks.append(_listed(profile, "access.platforms", filters.platform))
    if filters.language:
        checks.append(_listed(profile, "access.languages", filters.language))
    if filters.works_offline is not None:
        checks.append(profile.facts.get("access.works_offline") is filters.works_offline)
    if filters.accessibility_feature:
        checks.append(
            _listed(profile, "access.accessibility_features", filters.accessibility_feature)
        )
    if filters.min_evidence is not None:
        checks.append(profile.evidence_level.rank >= filters.min_evidence.rank)
    if filters.authorised_only:
        checks.append(profile.is_authorised)
    if filters.nice_recommended_only:
        good = {
            GuidanceRecommendation.RECOMMENDED,
            GuidanceRecommendation.USE_WHILE_EVIDENCE_GENERATED,
        }
        checks.append(any(g.recommendation in good for g in profile.guidance))
    if filters.no_data_selling:
        checks.append(profile.facts.get("privacy.sells_data") is False)
    if filters.no_advertising_sharing:
        checks.append(profile.facts.get("privacy.shares_for_advertising") is False)
    return all(checks)


def search(profiles: Iterable[Profile], filters: Filters) -> list[Profile]:
    """Matching technologies, strongest evidence first, then by name."""
    found = [p for p in profiles if matches(p, filters)]
    return sorted(found, key=lambda p: (-p.evidence_level.rank, p.technology.name.casefold()))


def _show(value: FactValue | None) -> str:
    if value is None:
        return "not known"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none"
    return str(value)


#: Rows of the side-by-side comparison: (label, how to read it from a profile).
_COMPARISON_FACTS = (
    ("Cost", "access.cost_model"),
    ("Platforms", "access.platforms"),
    ("Languages", "access.languages"),
    ("Works offline", "access.works_offline"),
    ("Accessibility features", "access.accessibility_features"),
    ("Sells personal data", "privacy.sells_data"),
    ("Shares data for advertising", "privacy.shares_for_advertising"),
    ("Crisis support shown", "safety.crisis_signposting"),
)


def compare(profiles: Sequence[Profile]) -> list[tuple[str, list[str]]]:
    """Rows of (label, one cell per technology) for up to four technologies."""
    if not 1 <= len(profiles) <= MAX_COMPARED:
        raise ValueError(f"compare between 1 and {MAX_COMPARED} technologies")
    rows: list[tuple[str, list[str]]] = [
        ("Technology", [p.technology.name for p in profiles]),
        ("Made by", [p.organisation_name or "not known" for p in profiles]),
        ("For", [", ".join(p.conditions) or "not known" for p in profiles]),
        ("Strongest evidence", [p.evidence_level.value for p in profiles]),
        (
            "Regulatory authorisations",
            [
                "; ".join(
                    f"{r.regulator} {r.identifier or r.pathway.value}" for r in p.authorisations
                )
                or "none recorded"
                for p in profiles
            ],
        ),
        (
            "NICE guidance",
            [
                "; ".join(
                    f"{g.reference}: {g.recommendation.value.replace('_', ' ')}" for g in p.guidance
                )
                or "none recorded"
                for p in profiles
            ],
        ),
    ]
    rows.extend(
        (label, [_show(p.facts.get(key)) for p in profiles]) for label, key in _COMPARISON_FACTS
    )
    return rows


@dataclass(frozen=True)
class PlainSummary:
    known: tuple[str, ...]
    not_known: tuple[str, ...]


_RECOMMENDATION_WORDS = {
    GuidanceRecommendation.RECOMMENDED: "recommends it",
    GuidanceRecommendation.USE_WHILE_EVIDENCE_GENERATED: (
        "says it can be used while more evidence is collected"
    ),
    GuidanceRecommendation.RESEARCH_ONLY: "says it should only be used in research",
    GuidanceRecommendation.NOT_RECOMMENDED: "does not recommend it",
}

_UNKNOWN_QUESTIONS = (
    ("privacy.sells_data", "whether it sells personal data"),
    ("privacy.policy_available", "whether its privacy policy can be read before signing up"),
    ("safety.crisis_signposting", "whether it shows crisis support to people at risk"),
    ("access.works_offline", "whether it works without an internet connection"),
    ("access.accessibility_features", "which accessibility features it has"),
    ("access.cost_model", "what it costs"),
)


def _qualifier(fact: Fact | None) -> str:
    if fact is None or fact.provenance.is_verified:
        return ""
    return " (not yet checked by an evaluator)"


def plain_summary(profile: Profile) -> PlainSummary:
    """'What is known and what is not', in plain sentences with no jargon left unexplained."""
    known: list[str] = []
    not_known: list[str] = []
    name = profile.technology.name
    for use in profile.intended_uses:
        known.append(f"{name} is meant for {use.population} with {use.condition}.")
    for record in profile.regulatory_records:
        when = f" on {record.decision_date.isoformat()}" if record.decision_date else ""
        ident = f" ({record.identifier})" if record.identifier else ""
        known.append(
            f"{record.regulator} decision{ident}{when}: {record.status.value}, "
            f"by the {record.pathway.label} route."
        )
    if not profile.regulatory_records:
        not_known.append(
            "We have no record of it being authorised by any medicines or device regulator."
        )
    for designation in profile.designations:
        known.append(
            f"It has a {designation.kind.value.replace('_', ' ')} designation from "
            f"{designation.regulator}. A designation is not permission to sell it "
            "or to use it as a treatment."
        )
    for guidance in profile.guidance:
        verdict = _RECOMMENDATION_WORDS[guidance.recommendation]
        known.append(f"{guidance.body} ({guidance.reference}) {verdict}.")
    if profile.studies:
        randomised = sum(
            1
            for s in profile.studies
            if s.design in (StudyDesign.RCT, StudyDesign.SYSTEMATIC_REVIEW)
        )
        known.append(
            f"We hold {len(profile.studies)} study record(s), "
            f"{randomised} of them randomised trials or systematic reviews."
        )
    else:
        not_known.append("We hold no studies of whether it works.")
    for key, wording in _UNKNOWN_QUESTIONS:
        value = profile.facts.get(key)
        if value is None:
            not_known.append(f"We do not know {wording}.")
        else:
            checked = _qualifier(profile.fact_records.get(key))
            known.append(f"{wording[0].upper()}{wording[1:]}: {_show(value)}{checked}.")
    return PlainSummary(tuple(known), tuple(not_known))
