"""`withcare registry ...` end to end through Typer's runner, on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from withcare.cli.registry import register

runner = CliRunner()


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def root() -> None:
        """Test root command."""

    register(application)
    return application


def test_validate_accepts_the_exported_seed(app: typer.Typer, tmp_path: Path) -> None:
    bundle = tmp_path / "registry.json"
    exported = runner.invoke(app, ["registry", "export", "--out", str(bundle)])
    assert exported.exit_code == 0, exported.output
    result = runner.invoke(app, ["registry", "validate", str(bundle)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Valid: ")


def test_invalid_csv_is_rejected_line_by_line_and_nothing_is_written(
    app: typer.Typer, tmp_path: Path
) -> None:
    bad = tmp_path / "technologies.csv"
    bad.write_text(
        "id,name,organisation_id,kind\nnew-app,New,org-pear,app\nnew-vr,,org-pear,hologram\n",
        "utf-8",
    )
    out = tmp_path / "accepted.json"
    result = runner.invoke(app, ["registry", "import", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert "line 3: name" in result.output
    assert "line 3: kind" in result.output
    assert "line 2" not in result.output
    assert not out.exists()


def test_valid_csv_import_writes_the_whole_batch(app: typer.Typer, tmp_path: Path) -> None:
    good = tmp_path / "batch.csv"
    good.write_text("id,name,organisation_id,kind\nnew-app,New,org-pear,app\n", "utf-8")
    out = tmp_path / "accepted.json"
    result = runner.invoke(
        app, ["registry", "import", str(good), "--kind", "technologies", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "1 technologies" in result.output
    assert json.loads(out.read_text("utf-8"))["technologies"][0]["id"] == "new-app"


def test_csv_export_of_one_kind(app: typer.Typer) -> None:
    result = runner.invoke(
        app, ["registry", "export", "--format", "csv", "--kind", "regulatory_records"]
    )
    assert result.exit_code == 0
    assert "K231209" in result.output
    missing_kind = runner.invoke(app, ["registry", "export", "--format", "csv"])
    assert missing_kind.exit_code == 2


def test_classify_from_options_and_from_a_file(app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "registry",
            "classify",
            "--significance",
            "drive",
            "--seriousness",
            "critical",
            "--simple",
        ],
    )
    assert result.exit_code == 0, result.output
    values = {row["scheme"]: row["value"] for row in json.loads(result.output)}
    assert values == {
        "nice_esf_tier": "C",
        "imdrf_samd": "III",
        "mdr_rule_11": "IIb",
        "uk_samd": "unlikely",
    }
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"intended_use.significance": "wellness"}), "utf-8")
    from_file = runner.invoke(app, ["registry", "classify", "--facts", str(facts)])
    assert json.loads(from_file.output)[1]["value"] == "not_samd"
    wrong = runner.invoke(app, ["registry", "classify", "--significance", "cure"])
    assert wrong.exit_code == 2
    assert "must be one of" in wrong.output


def test_assess_writes_html_and_json_reports(app: typer.Typer, tmp_path: Path) -> None:
    facts = tmp_path / "answers.json"
    facts.write_text(
        json.dumps({"intended_use.significance": "treat", "intended_use.seriousness": "serious"}),
        "utf-8",
    )
    html, report, pdf = tmp_path / "report.html", tmp_path / "report.json", tmp_path / "r.pdf"
    result = runner.invoke(
        app,
        [
            "registry",
            "assess",
            str(facts),
            "--technology",
            "Demo",
            "--html",
            str(html),
            "--json",
            str(report),
            "--pdf",
            str(pdf),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "NHS Digital Technology Assessment Criteria" in result.output
    assert "<h1>Self-assessment: Demo</h1>" in html.read_text("utf-8")
    assert json.loads(report.read_text("utf-8"))["technology"] == "Demo"
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_search_explains_what_is_known(app: typer.Typer) -> None:
    result = runner.invoke(app, ["registry", "search", "--condition", "insomnia", "--explain"])
    assert result.exit_code == 0
    assert "Sleepio [randomised]" in result.output
    assert "not known: We do not know whether it sells personal data." in result.output


def test_unreadable_file_is_one_plain_sentence(app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(app, ["registry", "validate", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "Cannot read" in result.output
