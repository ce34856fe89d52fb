"""`withcare score --batch` and `withcare outcomes --batch`, driven through Typer's test runner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from withcare.cli.score import register
from withcare.domain.measures.batch import OUTCOME_COLUMNS, score_csv_columns


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    register(application)
    return application


def run(app: typer.Typer, args: list[str], stdin: str | bytes = "") -> tuple[int, str, str]:
    result = CliRunner().invoke(app, args, input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def jsonl(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_scores_each_line_and_survives_malformed_ones(app: typer.Typer) -> None:
    stdin = "\n".join(
        [
            json.dumps({"instrument": "phq9", "responses": [2, 2, 2, 2, 2, 2, 2, 1, 0]}),
            "{not json",
            json.dumps({"instrument": "swemwbs", "responses": [3] * 7}),
            json.dumps(["a", "list"]),
            json.dumps({"instrument": "phq99", "responses": []}),
            json.dumps(
                {"instrument": "core10", "responses": [0] * 10, "encoding": "form_position"}
            ),
            json.dumps({"instrument": "phq9", "responses": [0, 0, 0, 0, 0, 0, 0, 0, 3, 3]}),
        ]
    )
    code, out, _ = run(app, ["score", "--batch"], stdin)
    assert code == 0
    records = jsonl(out)
    assert len(records) == 7
    assert records[0] == {
        "instrument": "phq9",
        "total": 15,
        "severity": "moderately_severe",
        "risk_flag": False,
        "valid": True,
        "errors": [],
        "prorated": False,
    }
    assert records[1]["valid"] is False
    assert "line 2: not valid JSON" in str(records[1]["errors"])
    assert records[2]["swemwbs_metric"] == 19.25
    assert records[2]["severity"] is None
    assert "expected a JSON object" in str(records[3]["errors"])
    assert "valid ids are: phq9" in str(records[4]["errors"])
    assert records[5]["total"] == 8  # items 2 and 3 reversed: 4 + 4
    assert records[6]["valid"] is False
    assert records[6]["risk_flag"] is True  # item 9 = 3 even though the count is wrong


def test_reads_a_file_and_writes_csv(app: typer.Typer, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"instrument": "pcl5", "responses": [2] * 20})
        + "\n"
        + json.dumps({"instrument": "gad7", "responses": [1] * 7})
        + "\n"
    )
    code, out, _ = run(app, ["score", "--batch", str(source), "--output-format", "csv"])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(score_csv_columns())
    assert rows[0]["total"] == "40"
    assert rows[0]["severity"] == "probable_ptsd"
    assert rows[0]["subscale_b_intrusion"] == "10"
    assert rows[0]["pcl5_provisional_ptsd"] == "true"
    assert rows[1]["severity"] == "mild"
    assert rows[1]["subscale_b_intrusion"] == ""


def test_csv_in_with_item_columns(app: typer.Typer) -> None:
    header = "instrument,encoding," + ",".join(f"item_{n}" for n in range(1, 11))
    stdin = "\n".join(
        [
            header,
            "phq9,,1,1,1,1,1,1,1,1,0,",
            "core10,form_position,0,0,0,0,0,0,0,0,0,0",
            "gad2,,3,3,,,,,,,,",
            "gad2,,3,3,1,,,,,,,",
            "k10,,5,5,5,5,5,5,5,5,5,",
            "epds,,0,0,0,0,0,0,0,0,0,two",
            "nothing,,1",
        ]
    )
    code, out, _ = run(
        app, ["score", "--batch", "--format", "csv", "--output-format", "jsonl"], stdin
    )
    assert code == 0
    records = jsonl(out)
    assert [r["total"] for r in records] == [8, 8, 6, None, 50, None, None]
    assert "expected 2 responses, got 3" in str(records[3]["errors"])
    assert records[4]["prorated"] is True
    assert "item 10: 'two' is not a whole number" in str(records[5]["errors"])
    assert "unknown instrument" in str(records[6]["errors"])


def test_outcomes_jsonl_and_csv(app: typer.Typer) -> None:
    stdin = "\n".join(
        [
            json.dumps({"phq9_first": 15, "phq9_last": 5, "gad7_first": 12, "gad7_last": 4}),
            json.dumps({"phq9_first": 15, "phq9_last": 5}),
            "[]",
            "",
            json.dumps({"phq9_first": 8, "phq9_last": 16, "gad7_first": 3, "gad7_last": 3}),
        ]
    )
    code, out, _ = run(app, ["outcomes", "--batch"], stdin)
    assert code == 0
    records = jsonl(out)
    assert len(records) == 5
    assert records[0] == {
        "at_caseness_start": True,
        "recovered": True,
        "reliable_improvement": True,
        "reliable_recovery": True,
        "reliable_deterioration": False,
        "errors": [],
    }
    assert records[1]["errors"] == ["gad7_first is missing"]
    assert records[1]["recovered"] is None
    assert "empty line" in str(records[3]["errors"])
    assert records[4]["reliable_deterioration"] is True

    csv_in = "phq9_first,phq9_last,gad7_first,gad7_last\n12,4,9,3\n12,4,x,3\n"
    code, out, _ = run(app, ["outcomes", "--batch", "--format", "csv"], csv_in)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(OUTCOME_COLUMNS)
    assert rows[0]["reliable_recovery"] == "true"
    assert rows[1]["errors"] == "gad7_first: 'x' is not a whole number"


def test_invalid_utf8_line_is_an_error_line(app: typer.Typer) -> None:
    stdin = b'{"instrument": "phq2", "responses": [1, 1]}\n\xff\xfe\n'
    code, out, _ = run(app, ["score", "--batch"], stdin)
    assert code == 0
    records = jsonl(out)
    assert records[0]["total"] == 2
    assert records[1]["errors"] == ["line 2: not UTF-8 text"]


def test_command_problems_are_one_sentence_and_status_2(app: typer.Typer, tmp_path: Path) -> None:
    code, out, err = run(app, ["score", str(tmp_path / "missing.jsonl"), "--batch"])
    assert code == 2
    assert "Cannot read" in err
    assert "Traceback" not in out + err
    code, _, err = run(app, ["outcomes"])
    assert code == 2
    assert "--batch" in err
