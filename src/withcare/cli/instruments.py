"""`withcare instruments`: check the validated questionnaire translations a service supplies.

A service drops translation files into its translations folder (see
``docs/measures/translations.md``); a file that fails the checks is simply not used by the running
platform, so these commands let whoever installs one see at once whether it will be used, and why
not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from withcare.cli.core import fail_plain
from withcare.config import load_settings
from withcare.domain.measures.translations import TranslationError
from withcare.services.measures.wording import TranslationLibrary, read_translation_file

group = typer.Typer(
    help="Questionnaire translations: check files and list what the platform will use.",
    no_args_is_help=True,
)


@group.command("check-translation")
def check_translation(
    files: Annotated[
        list[Path], typer.Argument(help="Translation files (TOML) to check.", show_default=False)
    ],
) -> None:
    """Check translation files against their instruments; exit status 2 if any cannot be used."""
    failed = []
    for path in files:
        try:
            translation = read_translation_file(path)
        except TranslationError as error:
            failed.append(f"{path}: not usable: {error}")
            continue
        typer.echo(
            f"{path}: ok ({translation.instrument_id}, language {translation.language}, "
            f"{len(translation.items)} items)"
        )
    if failed:
        raise fail_plain(*failed)


@group.command("translations")
def translations(
    folder: Annotated[
        Path | None,
        typer.Option(
            "--folder",
            help="Translations folder (default: WITHCARE_INSTRUMENT_TRANSLATIONS, or "
            "instrument-translations in the data dir).",
        ),
    ] = None,
) -> None:
    """List the translations the platform will use, and the files it will not use and why."""
    where = folder or load_settings().instrument_translations_dir
    library = TranslationLibrary(where)
    if where is None or not where.is_dir():
        typer.echo(f"No translations folder at {where}: every questionnaire is shown in English.")
        return
    if not library.translations and not library.rejected:
        typer.echo(f"{where} holds no translation files (*.toml).")
    for translation in library.translations:
        typer.echo(f"used: {translation.instrument_id} ({translation.language})")
    for rejected in library.rejected:
        typer.echo(f"not used: {rejected.file}: {rejected.reason}")


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="instruments")
