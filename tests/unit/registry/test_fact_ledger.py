from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from withcare.domain.registry.facts import (
    FactLedger,
    FactPermissionError,
    check_fact,
    developer_answer,
    validate_answers,
)
from withcare.domain.roles import Role

T0 = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


def test_answers_are_checked_against_the_catalogue() -> None:
    assert check_fact("access.works_offline", True) is True
    assert check_fact("access.platforms", ["ios", "ios", "web"]) == ("ios", "web")
    assert check_fact("clinical.efficacy_studies", 3) == 3
    with pytest.raises(ValueError, match="true or false"):
        check_fact("access.works_offline", "yes")
    with pytest.raises(ValueError, match="unknown item"):
        check_fact("access.platforms", ["fax"])
    with pytest.raises(ValueError, match="one of"):
        check_fact("access.cost_model", "barter")
    with pytest.raises(ValueError, match="unknown fact"):
        check_fact("made.up", 1)
    with pytest.raises(ValueError, match="whole number"):
        check_fact("clinical.efficacy_studies", True)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        check_fact("access.last_updated", "last week")


def test_validate_answers_keeps_the_good_and_names_the_bad() -> None:
    valid, problems = validate_answers({"access.works_offline": False, "privacy.sells_data": "no"})
    assert valid == {"access.works_offline": False}
    assert problems == ["privacy.sells_data must be true or false"]


def test_every_change_is_a_new_version_with_who_when_and_previous_value() -> None:
    ledger = FactLedger("tech-1")
    ledger = ledger.record(
        "access.cost_model", "free", by="dev-a", at=T0, provenance=developer_answer()
    )
    ledger = ledger.record(
        "access.cost_model",
        "subscription",
        by="dev-b",
        at=T0 + timedelta(days=1),
        provenance=developer_answer(),
    )
    history = ledger.history("access.cost_model")
    assert [e.version for e in history] == [1, 2]
    assert history[1].previous == "free"
    assert history[1].recorded_by == "dev-b"
    assert ledger.current() == {"access.cost_model": "subscription"}


def test_repeating_the_same_answer_adds_no_version() -> None:
    ledger = FactLedger("t").record(
        "access.works_offline", True, by="d", at=T0, provenance=developer_answer()
    )
    again = ledger.record(
        "access.works_offline", True, by="d", at=T0, provenance=developer_answer()
    )
    assert again is ledger


def test_only_an_evaluator_can_verify_and_verification_is_versioned() -> None:
    ledger = FactLedger("t").record(
        "privacy.sells_data", False, by="d", at=T0, provenance=developer_answer()
    )
    with pytest.raises(FactPermissionError):
        ledger.verify("privacy.sells_data", evaluator="c1", role=Role.CLINICIAN, at=T0)
    verified = ledger.verify(
        "privacy.sells_data", evaluator="ev1", role=Role.TECHNOLOGY_EVALUATOR, at=T0
    )
    latest = verified.latest("privacy.sells_data")
    assert latest is not None
    assert latest.provenance.is_verified
    assert latest.provenance.verified_by == "ev1"
    assert latest.version == 2
    assert verified.current() == {"privacy.sells_data": False}


def test_retraction_needs_a_reason_and_keeps_history() -> None:
    ledger = FactLedger("t").record(
        "access.works_offline", True, by="d", at=T0, provenance=developer_answer()
    )
    with pytest.raises(ValueError, match="reason"):
        ledger.retract("access.works_offline", by="ev", at=T0, reason="  ")
    gone = ledger.retract(
        "access.works_offline", by="ev", at=T0, reason="tested: it needs a connection"
    )
    assert gone.current() == {}
    assert gone.history("access.works_offline")[-1].previous is True


def test_changes_cannot_be_backdated_or_naive() -> None:
    ledger = FactLedger("t").record(
        "access.works_offline", True, by="d", at=T0, provenance=developer_answer()
    )
    with pytest.raises(ValueError, match="before"):
        ledger.record(
            "access.works_offline",
            False,
            by="d",
            at=T0 - timedelta(1),
            provenance=developer_answer(),
        )
    with pytest.raises(ValueError, match="timezone"):
        ledger.record(
            "access.works_offline",
            False,
            by="d",
            at=datetime(2026, 3, 1),
            provenance=developer_answer(),
        )


def test_ledger_bridges_to_fact_records_and_back() -> None:
    from withcare.domain.registry.facts import ledger_from_facts, ledger_to_facts
    from withcare.domain.registry.seed import seed_bundle

    seed_facts = [f for f in seed_bundle().facts if f.technology_id == "sleepio"]
    ledger = ledger_from_facts("sleepio", seed_facts, by="import", at=T0)
    assert ledger.current() == {f.key: f.value for f in seed_facts}
    exported = ledger_to_facts(ledger)
    assert {(f.key, f.value, f.provenance) for f in exported} == {
        (f.key, f.value, f.provenance) for f in seed_facts
    }
    with pytest.raises(ValueError, match="belongs to"):
        ledger_from_facts("calm", seed_facts, by="import", at=T0)
