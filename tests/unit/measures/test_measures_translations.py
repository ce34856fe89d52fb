"""Validated translations replace words only; anything doubtful is refused with a reason."""

from __future__ import annotations

import copy
import dataclasses
import tomllib
from pathlib import Path
from typing import Any

import pytest

from withcare.domain.measures import load_instrument
from withcare.domain.measures.translations import TranslationError, parse_translation
from withcare.services.measures.wording import TranslationLibrary, Wording

FIXTURE = Path(__file__).parents[2] / "data" / "translations" / "gad2.cy.toml"


def fixture_data() -> dict[str, Any]:
    return tomllib.loads(FIXTURE.read_text(encoding="utf-8"))


def test_a_translation_replaces_the_words_and_nothing_else() -> None:
    original = load_instrument("gad2")
    translated = parse_translation(fixture_data()).apply(original)
    assert translated.name == "PRAWF-GAD-2 test name"
    assert [item.text for item in translated.items] == [
        "PRAWF test item one",
        "PRAWF test item two",
    ]
    assert [o.label for o in translated.items[0].options] == [f"PRAWF answer {n}" for n in range(4)]
    # the scoring rules are the instrument's own
    assert [o.score for o in translated.items[0].options] == [0, 1, 2, 3]
    assert [o.loinc_answer for o in translated.items[1].options] == [
        o.loinc_answer for o in original.items[1].options
    ]
    # apart from the words, the instrument is the same one: scoring goes by its id
    words = {"name": original.name, "stem": original.stem, "items": original.items}
    assert dataclasses.replace(translated, **words) == original
    for item, before in zip(translated.items, original.items, strict=True):
        assert dataclasses.replace(item, text=before.text, options=before.options) == before


def broken(change: dict[str, Any] | None = None, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    data = copy.deepcopy(fixture_data())
    for dotted in drop:
        *path, last = dotted.split(".")
        target = data
        for key in path:
            target = target[key]
        del target[last]
    for dotted, value in (change or {}).items():
        *path, last = dotted.split(".")
        target = data
        for key in path:
            target = target[key]
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (broken({"instrument": "phq99"}), "unknown instrument 'phq99'"),
        (broken({"language": "Welsh"}), "language tag such as 'cy'"),
        (broken({"language": "en"}), "the English wording is the instrument's own"),
        (broken(drop=("validation",)), "a [validation] table is required"),
        (broken({"validation.validated": False}), "validated must be true"),
        (broken({"validation.validated": "yes"}), "validated must be true"),
        (broken(drop=("validation.source",)), "[validation] 'source' must be non-empty text"),
        (broken({"validation.licence": " "}), "[validation] 'licence' must be non-empty text"),
        (broken({"items": ["only one"]}), "GAD-2 has 2 items; this translation has 1"),
        (broken({"items": ["one", ""]}), "'items' must be a list"),
        (broken(drop=("options.Several days",)), "no translation for 'Several days'"),
        (broken({"options.Sometimes": "x"}), "'Sometimes', which is not an answer of GAD-2"),
        (broken({"options.Not at all": ""}), "every [options] value must be non-empty text"),
        (broken(drop=("stem",)), "'stem' must be non-empty text"),
    ],
)
def test_a_doubtful_translation_is_refused_with_the_reason(
    data: dict[str, Any], message: str
) -> None:
    with pytest.raises(TranslationError) as refused:
        parse_translation(data)
    assert message in str(refused.value)


def wsas_translation(not_applicable: str | None) -> dict[str, Any]:
    instrument = load_instrument("wsas")
    labels = {o.label for item in instrument.items for o in item.options}
    data: dict[str, Any] = {
        "instrument": "wsas",
        "language": "cy",
        "name": "PRAWF",
        "stem": "PRAWF",
        "items": [f"PRAWF {n}" for n in range(1, 6)],
        "options": {label: f"PRAWF {label}" for label in labels},
        "validation": {"validated": True, "source": "test", "licence": "test"},
    }
    if not_applicable is not None:
        data["not_applicable"] = not_applicable
    return data


def test_an_instrument_with_a_not_applicable_answer_needs_its_wording() -> None:
    with pytest.raises(TranslationError, match="'not_applicable' must be non-empty text"):
        parse_translation(wsas_translation(None))
    assert parse_translation(wsas_translation("PRAWF n/a")).not_applicable == "PRAWF n/a"


def test_the_library_uses_good_files_and_names_every_file_it_does_not_use(
    tmp_path: Path,
) -> None:
    (tmp_path / "gad2.cy.toml").write_bytes(FIXTURE.read_bytes())
    (tmp_path / "gad2.cy.copy.toml").write_bytes(FIXTURE.read_bytes())
    (tmp_path / "broken.toml").write_text("instrument = [", encoding="utf-8")
    (tmp_path / "latin1.toml").write_bytes(b"name = '\xe9'")
    (tmp_path / "notes.txt").write_text("ignored: not a .toml file", encoding="utf-8")
    library = TranslationLibrary(tmp_path)
    assert [(t.instrument_id, t.language) for t in library.translations] == [("gad2", "cy")]
    reasons = {r.file: r.reason for r in library.rejected}
    # files are read in name order, so gad2.cy.copy.toml is used and gad2.cy.toml is the second
    assert set(reasons) == {"broken.toml", "gad2.cy.toml", "latin1.toml"}
    assert "a second 'cy' translation of 'gad2'" in reasons["gad2.cy.toml"]
    assert "not valid TOML" in reasons["broken.toml"]
    assert "not UTF-8" in reasons["latin1.toml"]


def test_wording_falls_back_to_the_original_when_no_translation_is_held(tmp_path: Path) -> None:
    (tmp_path / "gad2.cy.toml").write_bytes(FIXTURE.read_bytes())
    library = TranslationLibrary(tmp_path)
    gad2, gad7 = load_instrument("gad2"), load_instrument("gad7")
    assert library.wording(gad2, "cy").translation is not None
    assert library.wording(gad2, "cy-GB").instrument.items[0].text == "PRAWF test item one"
    assert library.wording(gad2, "en") == Wording(gad2, None)
    assert library.wording(gad7, "cy").instrument is gad7  # no translation held: the original
    assert TranslationLibrary(tmp_path / "missing").translations == ()
    assert TranslationLibrary(None).wording(gad2, "cy").translation is None
