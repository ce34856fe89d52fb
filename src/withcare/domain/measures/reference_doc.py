"""The instrument reference page (docs/measures/instruments.md), generated from the data files.

Writing the page by hand would let it drift from the rules the scorer applies. Instead the page is
rendered from the same data files, a test fails when the committed page is out of date, and
``python docs/measures/generate.py`` rewrites it.
"""

from __future__ import annotations

from withcare.domain.measures.change import Z_95, standard_error_of_difference
from withcare.domain.measures.loader import all_instruments
from withcare.domain.measures.model import Change, Instrument, Item, MissingRuleKind

CHOICES = """\
## The platform's documented choices where sources disagree

| Topic | Disagreement | Withcare's choice |
|---|---|---|
| PHQ-9 bands | Kroenke's five bands vs. apps that collapse them | Kroenke's five bands |
| PHQ-9 missing items | up to 2 pro-rated (Arrieta 2017, via qscorer) vs. complete forms only (CamCOPS) | up to 2 missing, mean x 9 rounded half up |
| PHQ-9 reliable change | 6 (NHS Talking Therapies) vs. 5-point response/MCID | 6 |
| GAD-7 cut-off | 10 (Spitzer 2006) vs. 8 (NHS Talking Therapies caseness) | bands from Spitzer; 8 only for course outcomes |
| AUDIT-C | UK 5 or more vs. US 4 (men) / 3 (women) | UK 5 or more, for everyone |
| AUDIT LOINC | 75624-7 = AUDIT total (2 sources) vs. = AUDIT-C (1 source) | 75624-7 AUDIT, 75626-2 AUDIT-C |
| CORE-10 reversed items | 2 and 3 (CamCOPS, NovoPsych) vs. 3 and 4 (one site) | 2 and 3 |
| CORE-10 bands | 11-14/15-19/20-24/25+ vs. 11-15/16-20/21-25/26+ | the former (three sources) |
| K10 bands | Andrews & Slade / IAR-DST vs. ABS population bands | Andrews & Slade |
| PCL-5 cut-off | 31-33 (NCPTSD), 33, 34, 38 | 33 |
| PCL-5 reliable change | 5-10 points (NCPTSD) | 10 |
| CORE-10 reliable change | RCI 6 is a 90% criterion (Barkham 2013), not the usual 95% | 6, as published |
| WEMWBS reliable change | SEM 2.4-3.1 across twelve studies (Maheswaran 2012) | SEM 3.1: reliable at 9 or more points |
| EPDS cut-off for change | 12/13 for major depression (Matthey 2004) vs. 10 possible depression | 13 |
| EPDS cut-offs | 10/13 (Cox) vs. 13/15 antenatal (NSW) | 10 possible, 13 probable |
| EPDS text | RCPsych requires written permission to republish, including in software | item topics only; the licensed wording is supplied by the service |
| (S)WEMWBS licence | open data (CamCOPS) vs. registration with Warwick | needs registration: not assignable until an administrator records it |
| WEMWBS bands | Warwick benchmarks (secondary) vs. "not a screening tool" | bands kept, labelled as non-diagnostic; SWEMWBS has none |
| Reliable deterioration | on any measure (CORC) vs. with no reliable improvement on the other | the latter, so improvement, no change and deterioration partition courses |
| Risk on invalid forms | - | an in-range risk answer raises the flag even when the form is invalid, including when the item count is wrong (items are read by position) |
| Welsh item text | no published Welsh translations were verified | none shipped; a service installs the validated translations it holds ([translations.md](translations.md), ADR 0008) |

The C-SSRS screener has no total. Its severity is the triage level (`none`, `low_risk`,
`moderate_risk`, `high_risk`); q3-q5 are `null` when q2 is no, and an answer given anyway is still
scored, because a "yes" must never be ignored.

Responses are item scores (`null` = unanswered). With `"encoding": "form_position"` they are the
0-based printed position of the ticked answer, top to bottom, and the scorer maps each position to
the item's score, which reverses reverse-keyed items. WSAS item 1 accepts `"not_applicable"`.
"""


GAPS = """\
### Gaps: values searched for and not verified

Only values found in retrieved text are in the data files; everything below was searched for
(Withcare instrument research, 2026: public web pages, publisher abstracts and public FHIR/code
repositories) and is left out until a primary source is checked.

- **SWEMWBS reliable change:** Shah et al. 2018 (HQLO 16:239) give 2.77 SEM = 2.87 points and
  1 SEM = 1.03 points, but the retrieved abstract does not say whether these are raw or Rasch
  metric scores; the platform judges change on the raw total, so no value is used.
- **WEMWBS cut-off:** none; Warwick says WEMWBS is not a screening instrument. A "3-point
  meaningful change" rule is quoted informally but no Warwick text stating it was found.
- **K10:** no published reliable change index or clinical/non-clinical norms (means and SDs)
  were found; only a fragment of Andrews & Slade 2001 (normative data) was retrieved, without
  means or SDs.
- **WSAS:** Mundt et al. 2002 report test-retest r = 0.73 (abstract), but no SD of a clinical
  sample was retrieved, so S_diff cannot be computed; no published reliable change index found.
- **WHO-5:** "a 10% difference indicates a significant change" appears only in secondary
  guides (Valant); a primary test-retest study in Danish epilepsy outpatients (HQLO 2018,
  doi:10.1186/s12955-018-1001-0) found a minimal detectable change of 23.6 percentage points,
  so the 10% convention is not used as reliable change.
- **AUDIT, AUDIT-C:** no reliable change index or change norms found (test-retest data only).
- **PHQ-8, PHQ-2, GAD-2:** no published reliable change index found; the NHS Talking Therapies
  values belong to the PHQ-9 and GAD-7 and are not transferred.
- **GAD-7 SD and reliability:** not added; the published NHS Talking Therapies threshold (4)
  is used, and no clinical-sample SD was retrieved.
- **C-SSRS screener:** has no total score, so reliable change does not apply.
- **LOINC:** no verified codes were found for PHQ-8, GAD-2, WSAS, CORE-10, WEMWBS, SWEMWBS,
  PCL-5 or K10 (searched: code search over public FHIR/FSH questionnaires and scoring code, and
  the jmandel/ktc-questionnaire-starters file list, which has no such instruments; one
  repository labels 44261-6 as PHQ-8, which is the PHQ-9 total, and is not trusted). EPDS: public sources display both 71354-5 and 99046-5 as
  "Edinburgh Postnatal Depression Scale [EPDS]", so 99046-5 as the total-score code is
  uncertain. EPDS and WHO-5 item codes were not found.
"""


def _change_cells(change: Change | None) -> tuple[str, str, str]:
    if change is None:
        return "none", "none", "-"
    if change.reliable_change is not None:
        threshold = f"{change.reliable_change:g}"
    elif change.sem is not None:
        s_diff = standard_error_of_difference(change.sem)
        threshold = f"> {Z_95 * s_diff:.2f} (SEM {change.sem:g})"
    else:
        threshold = "from norms"
    cutoff = "none" if change.clinical_cutoff is None else f"{change.clinical_cutoff:g}"
    return threshold, cutoff, f"`{change.source}`"


def _coverage() -> str:
    lines = [
        "## Reliable change and LOINC coverage\n",
        "| Id | Reliable change | Cut-off | Change source | LOINC panel | LOINC total "
        "| Item LOINC |",
        "|---|---|---|---|---|---|---|",
    ]
    for instrument in all_instruments():
        threshold, cutoff, source = _change_cells(instrument.change)
        coded = sum(1 for item in instrument.items if item.loinc)
        lines.append(
            f"| `{instrument.id}` | {threshold} | {cutoff} | {source} "
            f"| {instrument.loinc_panel or 'none'} | {instrument.loinc_total or 'none'} "
            f"| {coded}/{instrument.item_count} |"
        )
    lines.append("")
    lines.append(GAPS)
    return "\n".join(lines)


def render_reference() -> str:
    parts = [
        "# Instrument reference\n",
        "Generated from `src/withcare/domain/measures/instruments/*.toml` by "
        "`python docs/measures/generate.py`; do not edit by hand.\n",
        "| Id | Instrument | Items | Total | Severity labels | Licence needs registration |",
        "|---|---|---|---|---|---|",
    ]
    for instrument in all_instruments():
        total = (
            f"{instrument.total_minimum}-{instrument.total_maximum}"
            if instrument.has_total
            else "none"
        )
        labels = ", ".join(f"`{label}`" for label in instrument.severity_labels) or "none"
        parts.append(
            f"| `{instrument.id}` | {instrument.short_name} | {instrument.item_count} | {total} "
            f"| {labels} | {'yes' if instrument.licence.requires_registration else 'no'} |"
        )
    parts.append("")
    parts.append(CHOICES)
    parts.append(_coverage())
    for instrument in all_instruments():
        parts.append(_section(instrument))
    return "\n".join(parts).rstrip() + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "/")


def _scores(item: Item) -> str:
    return ", ".join(f"{_cell(option.label)} = {option.score}" for option in item.options)


def _section(instrument: Instrument) -> str:
    lines = [
        f"## {instrument.short_name}: {instrument.name} (`{instrument.id}`)\n",
        f"*Period:* {instrument.period}. *Higher is better:* "
        f"{'yes' if instrument.higher_is_better else 'no'}.\n",
        f"*Instructions:* {instrument.stem}\n",
        "| # | Item | Answers in printed order = score | Reverse-keyed | Risk | LOINC |",
        "|---|---|---|---|---|---|",
    ]
    for item in instrument.items:
        lines.append(
            f"| {item.number} | {_cell(item.text)} | {_scores(item)} "
            f"| {'yes' if item.reverse_keyed else ''} | {'yes' if item.risk else ''} "
            f"| {item.loinc or ''} |"
        )
    lines.append("")
    if instrument.has_total:
        lines.append(
            f"- **Total:** sum of item scores, {instrument.total_minimum}-"
            f"{instrument.total_maximum} (source: {instrument.scoring_source})."
        )
    else:
        lines.append(f"- **Total:** none (source: {instrument.scoring_source}).")
    severity = instrument.severity
    if severity.bands:
        bands = "; ".join(
            f"`{b.label}` {b.minimum:g}-{b.maximum:g} ({b.name})" for b in severity.bands
        )
        lines.append(f"- **Severity:** {bands} (source: {severity.source}).")
    elif severity.triage:
        rules = "; ".join(
            f"`{r.label}` if any of "
            + ", ".join(f"item {n} >= {v}" for n, v in r.any_item_at_least)
            for r in severity.triage
        )
        lines.append(
            f"- **Severity (triage):** {rules}; otherwise `{severity.default_label}` "
            f"(source: {severity.source})."
        )
    else:
        lines.append("- **Severity:** none (no published bands).")
    if severity.note:
        lines.append(f"  {severity.note}")
    missing = instrument.missing
    rule = {
        MissingRuleKind.NONE: "any missing item makes the form invalid",
        MissingRuleKind.PRORATE: f"pro-rated with up to {missing.max_missing} missing"
        + (", rounded half up" if missing.round_half_up else ", not rounded"),
        MissingRuleKind.SKIP_LOGIC: "skip logic: "
        + "; ".join(
            f"if items {', '.join(map(str, s.when_items))} sum to {s.equals}, items "
            f"{', '.join(map(str, s.skip))} may be blank"
            for s in missing.skips
        ),
    }[missing.kind]
    lines.append(f"- **Missing items:** {rule}. {missing.note} (source: {missing.source}).")
    if instrument.risk_items:
        lines.append(
            f"- **Risk items:** {', '.join(map(str, instrument.risk_items))}; an in-range value "
            f">= {instrument.risk_threshold} raises `risk_flag` (source: {instrument.risk_source})."
        )
    if instrument.subscales:
        subs = "; ".join(
            f"`{s.name}` items {', '.join(map(str, s.items))}" for s in instrument.subscales
        )
        lines.append(f"- **Subscales:** {subs} (source: {instrument.subscales_source}).")
    for derived in instrument.derived:
        lines.append(f"- **`{derived.name}`:** {derived.note} (source: {derived.source}).")
    if instrument.change:
        change = instrument.change
        lines.append(
            f"- **Change:** reliable change {change.reliable_change:g}, cut-off "
            f"{change.clinical_cutoff:g}. {change.note} (source: {change.source})."
            if change.reliable_change is not None and change.clinical_cutoff is not None
            else f"- **Change:** {change.note} (source: {change.source})."
        )
    if instrument.loinc_panel or instrument.loinc_total:
        lines.append(
            f"- **LOINC:** panel {instrument.loinc_panel or '-'}, total "
            f"{instrument.loinc_total or '-'} (source: {instrument.loinc_source})."
        )
    licence = instrument.licence
    lines.append(
        f"- **Licence:** {licence.holder}. {licence.terms} Registration required: "
        f"{'yes' if licence.requires_registration else 'no'}. Verbatim text shipped: "
        f"{'yes' if licence.verbatim_text else 'no'} (source: {licence.source})."
    )
    for note in instrument.notes:
        lines.append(f"- {note}")
    lines.append("\n**Sources**\n")
    for source in instrument.sources:
        lines.append(f"- `{source.key}`: {source.citation}")
    lines.append("")
    return "\n".join(lines)
