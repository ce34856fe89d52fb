"""`withcare instruments`: whoever installs a translation sees at once whether it will be used."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from withcare.cli import app

runner = CliRunner()
FIXTURE = Path(__file__).parents[2] / "data" / "translations" / "gad2.cy.toml"


@pytest.mark.parametrize(
    "command",
    [["instruments"], ["instruments", "check-translation"], ["instruments", "translations"]],
)
def test_instrument_commands_have_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def test_check_translation_says_ok_or_exactly_what_is_wrong(tmp_path: Path) -> None:
    good = runner.invoke(app, ["instruments", "check-translation", str(FIXTURE)])
    assert good.exit_code == 0, good.output
    assert "ok (gad2, language cy, 2 items)" in good.output
    bad = tmp_path / "phq9.cy.toml"
    bad.write_text(
        FIXTURE.read_text(encoding="utf-8").replace('"gad2"', '"phq9"'), encoding="utf-8"
    )
    result = runner.invoke(app, ["instruments", "check-translation", str(FIXTURE), str(bad)])
    assert result.exit_code == 2
    assert "PHQ-9 has 9 items; this translation has 2" in result.output
    assert "Traceback" not in result.output
    missing = runner.invoke(app, ["instruments", "check-translation", str(tmp_path / "nope.toml")])
    assert missing.exit_code == 2 and "cannot read the file" in missing.output


def test_translations_lists_what_is_used_and_what_is_not(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "gad2.cy.toml")
    (folder / "junk.toml").write_text("language = 'cy'", encoding="utf-8")
    listed = runner.invoke(app, ["instruments", "translations", "--folder", str(folder)])
    assert listed.exit_code == 0, listed.output
    assert "used: gad2 (cy)" in listed.output
    assert "not used: junk.toml: 'instrument' must be non-empty text" in listed.output
    none = runner.invoke(app, ["instruments", "translations", "--folder", str(tmp_path / "x")])
    assert none.exit_code == 0 and "every questionnaire is shown in English" in none.output
