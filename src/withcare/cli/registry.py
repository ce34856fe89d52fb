"""`withcare registry ...`: validate, import, export, classify and self-assess on files.

None of these commands needs a database: ``validate`` and ``classify`` are pure, ``import``
validates a whole batch and (until persistence is wired) writes the accepted batch as normalised
JSON, and ``export`` reads the shipped seed registry or a bundle file.
Errors are one plain sentence per problem and exit status 2, as for every Withcare command.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from withcare.cli.core import fail_plain
from withcare.domain.registry.assessment import (
    assessment_to_html,
    assessment_to_json,
    self_assess,
)
from withcare.domain.registry.bundle import RECORD_KINDS, RegistryBundle
from withcare.domain.registry.classification import classify_all
from withcare.domain.registry.facts import validate_answers
from withcare.domain.registry.interchange import (
    Accepted,
    ImportResult,
    bundle_to_json,
    import_csv,
    import_json,
    records_to_csv,
)
from withcare.domain.registry.report_pdf import assessment_to_pdf
from withcare.domain.registry.search import Filters, build_profiles, plain_summary, search
from withcare.domain.registry.seed import seed_bundle

registry_app = typer.Typer(
    name="registry",
    help="The technology evidence and regulation registry: frameworks, classes, import/export.",
    no_args_is_help=True,
)


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except OSError as error:
        raise fail_plain(f"Cannot read {path}: {error.strerror}.") from None


def _check_file(path: Path, kind: str | None) -> ImportResult:
    text = _read(path)
    if path.suffix.lower() == ".json":
        return import_json(text)
    if path.suffix.lower() == ".csv":
        chosen = kind or path.stem
        if chosen not in RECORD_KINDS:
            raise fail_plain(
                f"Say which records {path.name} holds with --kind "
                f"(one of: {', '.join(RECORD_KINDS)})."
            )
        return import_csv(text, chosen, known_ids=_seed_ids())
    raise fail_plain(f"{path.name}: only .json and .csv files can be imported.")


def _seed_ids() -> dict[str, list[str]]:
    """CSV files usually hold one kind and refer to records already in the registry."""
    seed = seed_bundle()
    return {
        kind: [record.id for record in seed.records(kind)]
        for kind in ("organisations", "technologies", "reviews")
    }


def _accepted_or_fail(result: ImportResult) -> Accepted:
    if isinstance(result, Accepted):
        return result
    raise fail_plain(
        f"Rejected, nothing imported. {len(result.problems)} problem(s):",
        *(f"  {p}" for p in result.problems),
    )


KindOption = Annotated[
    str | None,
    typer.Option("--kind", help="Record kind held by a CSV file (default: its file name)."),
]


@registry_app.command("validate")
def validate_command(file: Path, kind: KindOption = None) -> None:
    """Check a CSV or JSON file line by line without importing anything."""
    accepted = _accepted_or_fail(_check_file(file, kind))
    total = sum(accepted.counts.values())
    typer.echo(f"Valid: {total} record(s) in {file.name}.")


@registry_app.command("import")
def import_command(
    file: Path,
    kind: KindOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the accepted batch here as JSON.")
    ] = None,
) -> None:
    """Validate a whole batch; accept all of it or none of it."""
    accepted = _accepted_or_fail(_check_file(file, kind))
    counts = ", ".join(f"{n} {kind_name}" for kind_name, n in accepted.counts.items() if n)
    if out is not None:
        out.write_text(bundle_to_json(accepted.bundle), "utf-8")
    typer.echo(f"Accepted: {counts or 'no records'}.")


@registry_app.command("export")
def export_command(
    source: Annotated[
        Path | None, typer.Option("--source", help="A JSON bundle (default: the seed registry).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="json or csv")] = "json",
    kind: Annotated[
        str | None, typer.Option("--kind", help="Record kind (required for csv).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output).")
    ] = None,
) -> None:
    """Export the registry as a JSON bundle or one record kind as CSV."""
    bundle = (
        seed_bundle() if source is None else _accepted_or_fail(import_json(_read(source))).bundle
    )
    if fmt == "json":
        text = bundle_to_json(bundle if kind is None else _only(bundle, kind))
    elif fmt == "csv":
        if kind not in RECORD_KINDS:
            raise fail_plain(f"CSV export needs --kind, one of: {', '.join(RECORD_KINDS)}.")
        text = records_to_csv(bundle, str(kind))
    else:
        raise fail_plain("--format must be json or csv.")
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, "utf-8")


def _only(bundle: RegistryBundle, kind: str) -> RegistryBundle:
    if kind not in RECORD_KINDS:
        raise fail_plain(f"Unknown kind {kind}; use one of: {', '.join(RECORD_KINDS)}.")
    return RegistryBundle.model_validate({kind: bundle.records(kind)})


def _facts_file(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(_read(path))
    except json.JSONDecodeError as error:
        raise fail_plain(
            f"{path.name} is not valid JSON (line {error.lineno}): {error.msg}."
        ) from None
    if not isinstance(raw, dict):
        raise fail_plain(f"{path.name} must hold one object of fact keys and answers.")
    return dict(raw)


@registry_app.command("classify")
def classify_command(
    facts: Annotated[
        Path | None, typer.Option("--facts", help="JSON object of fact answers.")
    ] = None,
    significance: Annotated[
        str | None, typer.Option(help="wellness, inform, drive, treat or diagnose")
    ] = None,
    seriousness: Annotated[
        str | None, typer.Option(help="non_serious, serious or critical")
    ] = None,
    complex_function: Annotated[
        bool | None, typer.Option("--complex/--simple", help="Functionality complexity.")
    ] = None,
    regulated_as_device: Annotated[
        bool, typer.Option(help="Already regulated as a device somewhere.")
    ] = False,
) -> None:
    """Derive NICE ESF tier, IMDRF category, MDR Rule 11 class and UK SaMD likelihood."""
    answers: dict[str, Any] = _facts_file(facts) if facts else {}
    for key, value in (
        ("intended_use.significance", significance),
        ("intended_use.seriousness", seriousness),
        ("function.complex", complex_function),
    ):
        if value is not None:
            answers[key] = value
    valid, problems = validate_answers(answers)
    if problems:
        raise fail_plain(*problems)
    results = [
        {
            "scheme": c.scheme.value,
            "value": c.value,
            "rule_version": c.rule_version,
            "reasons": list(c.reasons),
            "missing": list(c.missing),
        }
        for c in classify_all(valid, regulated_as_device=regulated_as_device)
    ]
    typer.echo(json.dumps(results, indent=2))


@registry_app.command("assess")
def assess_command(
    facts: Path,
    technology: Annotated[
        str, typer.Option(help="Name shown on the report.")
    ] = "Unnamed technology",
    html: Annotated[Path | None, typer.Option("--html", help="Write the HTML report here.")] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the JSON report here.")
    ] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write a printable PDF here.")] = None,
) -> None:
    """Self-assessment: every framework's result and gaps, from one file of answers."""
    assessment = self_assess(_facts_file(facts), technology=technology, at=datetime.now(UTC))
    if html:
        html.write_text(assessment_to_html(assessment), "utf-8")
    if json_out:
        json_out.write_text(assessment_to_json(assessment), "utf-8")
    if pdf:
        pdf.write_bytes(assessment_to_pdf(assessment))
    for result in assessment.results:
        typer.echo(f"{result.framework.title}: {result.overall}")
    typer.echo(
        f"{len(assessment.gaps)} gap(s); {len(assessment.rejected_answers)} answer(s) not usable."
    )


@registry_app.command("search")
def search_command(
    condition: Annotated[
        str | None, typer.Option(help="Words in the condition, e.g. insomnia.")
    ] = None,
    platform: Annotated[str | None, typer.Option(help="ios, android, web, ...")] = None,
    authorised_only: Annotated[
        bool, typer.Option("--authorised-only", help="Only regulator-authorised.")
    ] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Say what is known and not known.")
    ] = False,
) -> None:
    """Search the seed registry."""
    filters = Filters(condition=condition, platform=platform, authorised_only=authorised_only)
    for profile in search(build_profiles(seed_bundle()), filters):
        typer.echo(f"{profile.technology.name} [{profile.evidence_level.value}]")
        if explain:
            summary = plain_summary(profile)
            for line in summary.known:
                typer.echo(f"  known: {line}")
            for line in summary.not_known:
                typer.echo(f"  not known: {line}")


def register(app: typer.Typer) -> None:
    """Attach ``withcare registry ...`` to the main command."""
    app.add_typer(registry_app, name="registry")
