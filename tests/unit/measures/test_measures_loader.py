"""The instruments load, carry the facts the issue fixes, and bad data files are refused."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from withcare.domain.measures.licensing import assignment_blocked_reason, can_assign
from withcare.domain.measures.loader import (
    INSTRUMENT_IDS,
    InstrumentDataError,
    UnknownInstrumentError,
    all_instruments,
    load_instrument,
    parse_instrument,
)

ISSUE_IDS = [
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
]

ITEM_COUNTS = {
    "phq9": 9, "phq8": 8, "phq2": 2, "gad7": 7, "gad2": 2, "wsas": 5, "core10": 10, "wemwbs": 14,
    "swemwbs": 7, "pcl5": 20, "audit": 10, "audit_c": 3, "who5": 5, "epds": 10, "k10": 10,
    "cssrs_screener": 6,
}  # fmt: skip


def test_the_library_has_exactly_the_issue_ids_in_order() -> None:
    assert list(INSTRUMENT_IDS) == ISSUE_IDS
    assert [i.id for i in all_instruments()] == ISSUE_IDS


@pytest.mark.parametrize(("instrument_id", "count"), ITEM_COUNTS.items())
def test_item_counts(instrument_id: str, count: int) -> None:
    assert load_instrument(instrument_id).item_count == count


def test_an_unknown_id_names_every_valid_id() -> None:
    with pytest.raises(UnknownInstrumentError) as raised:
        load_instrument("phq-9")
    for instrument_id in ISSUE_IDS:
        assert instrument_id in str(raised.value)


def test_reverse_keyed_and_risk_items_match_the_sources() -> None:
    assert load_instrument("core10").reverse_keyed_items == (2, 3)
    assert load_instrument("epds").reverse_keyed_items == (3, 5, 6, 7, 8, 9, 10)
    assert load_instrument("phq9").risk_items == (9,)
    assert load_instrument("core10").risk_items == (6,)
    assert load_instrument("epds").risk_items == (10,)
    assert load_instrument("cssrs_screener").risk_items == (1, 2, 3, 4, 5, 6)
    assert load_instrument("phq8").risk_items == ()


def test_reverse_keyed_items_print_their_highest_score_first() -> None:
    item = load_instrument("core10").item(2)
    assert [o.score for o in item.options] == [4, 3, 2, 1, 0]
    assert item.options[0].label == "Not at all"


def test_audit_items_9_and_10_allow_only_0_2_4() -> None:
    audit = load_instrument("audit")
    assert audit.item(9).allowed_scores == (0, 2, 4)
    assert audit.item(10).allowed_scores == (0, 2, 4)
    assert audit.item(8).allowed_scores == (0, 1, 2, 3, 4)


def test_phq9_loinc_codes_from_the_reference() -> None:
    phq9 = load_instrument("phq9")
    assert phq9.loinc_panel == "44249-1"
    assert phq9.loinc_total == "44261-6"
    assert [i.loinc for i in phq9.items] == [
        "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3",
        "44260-8",
    ]  # fmt: skip


def test_every_rule_cites_a_listed_source() -> None:
    for instrument in all_instruments():
        keys = {s.key for s in instrument.sources}
        cited = [instrument.scoring_source, instrument.missing.source, instrument.licence.source]
        cited += [d.source for d in instrument.derived]
        if instrument.severity_labels:
            cited.append(instrument.severity.source)
        if instrument.risk_items:
            assert instrument.risk_source
            cited.append(instrument.risk_source)
        for citation in cited:
            for key in citation.split(","):
                assert key.strip() in keys, (instrument.id, key)


def test_licences_requiring_registration_block_assignment_until_recorded() -> None:
    assert load_instrument("wemwbs").licence.requires_registration
    assert load_instrument("swemwbs").licence.requires_registration
    assert not load_instrument("phq9").licence.requires_registration
    assert not can_assign("wemwbs", set())
    assert "WEMWBS" in (assignment_blocked_reason("wemwbs", []) or "")
    assert can_assign("wemwbs", {"wemwbs"})
    assert can_assign("phq9", set())


def test_epds_text_is_not_reproduced_verbatim() -> None:
    epds = load_instrument("epds")
    assert not epds.licence.verbatim_text
    assert all(item.text.startswith("Topic:") for item in epds.items)


def _raw(instrument_id: str) -> dict[str, Any]:
    text = (
        resources.files("withcare.domain.measures")
        .joinpath("instruments", f"{instrument_id}.toml")
        .read_text("utf-8")
    )
    return tomllib.loads(text)


def _broken(change: str) -> dict[str, Any]:
    data = copy.deepcopy(_raw("phq9"))
    bands = data["severity"]["bands"]
    if change == "gap":
        bands[1]["min"] = 6
    elif change == "overlap":
        bands[1]["min"] = 4
    elif change == "label":
        bands[0]["label"] = "None-minimal"
    elif change == "source":
        data["missing"]["source"] = "nobody2020"
    elif change == "range":
        data["scoring"]["maximum"] = 30
    elif change == "uncovered":
        bands[-1]["max"] = 26
    return data


@pytest.mark.parametrize("change", ["gap", "overlap", "label", "source", "range", "uncovered"])
def test_inconsistent_data_files_are_refused(change: str) -> None:
    parse_instrument(_raw("phq9"))  # the untouched file is fine
    with pytest.raises(InstrumentDataError):
        parse_instrument(_broken(change))
