"""FHIR R4 Consent export: validated by fhir.resources and faithful to the history."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fhir.resources.R4B.consent import Consent

from withcare.domain.consent import (
    Action,
    ConsentDecision,
    ConsentHistory,
    ConsentItem,
    DataStream,
    Purpose,
    consent_resources,
    record_decision,
)

AT = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
SLEEP_RESEARCH = ConsentItem(Purpose.RESEARCH, DataStream.SLEEP)
LOCATION_CARE = ConsentItem(Purpose.DIRECT_CARE, DataStream.SMARTPHONE_LOCATION)
CHECK_INS_CARE = ConsentItem(Purpose.DIRECT_CARE, DataStream.CHECK_INS)


def history() -> ConsentHistory:
    h = ConsentHistory()
    for decision in (
        ConsentDecision(SLEEP_RESEARCH, Action.GRANT, AT, 1),
        ConsentDecision(LOCATION_CARE, Action.GRANT, AT, 1),
        ConsentDecision(CHECK_INS_CARE, Action.REFUSE, AT, 1),
        ConsentDecision(LOCATION_CARE, Action.WITHDRAW, AT + timedelta(days=2), 1),
    ):
        h = record_decision(h, decision)
    return h


def exported(resources: list[Consent]) -> dict[str, dict[str, Any]]:
    """The JSON a consumer receives, keyed by data stream."""
    documents = [json.loads(r.model_dump_json()) for r in resources]
    return {d["provision"]["code"][0]["coding"][0]["code"]: d for d in documents}


def test_one_valid_r4_consent_per_decided_item() -> None:
    resources = consent_resources(history(), "Patient/p1", AT + timedelta(days=3))
    assert len(resources) == 3
    for document in exported(resources).values():
        Consent.model_validate(document)  # the exported JSON parses back into an R4 Consent
        assert document["patient"]["reference"] == "Patient/p1"
        assert document["category"][0]["coding"][0]["code"] == "59284-0"


def test_statuses_and_provisions_follow_the_decisions() -> None:
    documents = exported(consent_resources(history(), "Patient/p1", AT + timedelta(days=3)))
    sleep, location, check_ins = (
        documents["sleep"],
        documents["smartphone_location"],
        documents["check_ins"],
    )
    assert (sleep["status"], sleep["provision"]["type"]) == ("active", "permit")
    assert sleep["scope"]["coding"][0]["code"] == "research"
    assert sleep["provision"]["purpose"][0]["code"] == "HRESCH"
    assert sleep["policyRule"]["coding"][0]["code"] == "OPTIN"
    assert (location["status"], location["provision"]["type"]) == ("inactive", "permit")
    assert "end" in location["provision"]["period"]
    assert (check_ins["status"], check_ins["provision"]["type"]) == ("active", "deny")
    assert check_ins["policyRule"]["coding"][0]["code"] == "OPTOUT"


def test_an_invalid_consent_is_rejected_by_the_validator() -> None:
    document = next(iter(exported(consent_resources(history(), "Patient/p1", AT)).values()))
    document["status"] = 42
    with pytest.raises(ValueError):
        Consent.model_validate(document)


def test_nothing_is_exported_for_items_never_decided() -> None:
    assert consent_resources(ConsentHistory(), "Patient/p1", AT) == []
