"""Manager's P1 report: decline rates by group and alternatives offered, with disclosure control."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from withcare.domain.care.choice import Alternative, ChoiceRecord, DigitalPart
from withcare.insights.choice_report import (
    NO_OFFER_YET,
    PersonChoices,
    alternatives_offered,
    decline_rates,
)
from withcare.insights.disclosure import CellStatus

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def person(age_band: str, decline: bool, offer: Alternative | None) -> PersonChoices:
    record = ChoiceRecord()
    if decline:
        record, _ = record.decline(DigitalPart.DIGITAL_SELF_HELP, T0, "p")
        if offer is not None:
            record = record.record_offer(
                DigitalPart.DIGITAL_SELF_HELP, offer, T0 + timedelta(hours=1), "clin"
            )
    return PersonChoices({"age_band": age_band}, record)


def population() -> list[PersonChoices]:
    workbook = Alternative.PAPER_WORKBOOK
    older = [person("65+", i < 70, workbook if i < 50 else None) for i in range(120)]
    younger = [person("18-24", i < 10, Alternative.GROUP_SESSIONS) for i in range(100)]
    middle = [person("45-64", i < 12, None) for i in range(60)]
    rare = [person("25-44", i < 2, None) for i in range(5)]
    return older + younger + middle + rare


def test_decline_rates_flag_the_group_that_declines_more() -> None:
    comparison = decline_rates(population(), "age_band", DigitalPart.DIGITAL_SELF_HELP)
    rows = {r.group: r for r in comparison.rows}
    assert rows["65+"].gap.value == "higher"
    assert rows["18-24"].gap.value == "lower"
    assert rows["25-44"].suppressed
    assert rows["45-64"].suppressed  # secondary: the smallest other group
    assert (rows["65+"].numerator.value, rows["65+"].denominator.value) == (70, 120)


def test_alternatives_offered_counts_latest_offers_and_who_still_waits() -> None:
    tables = alternatives_offered(population())
    self_help = tables[DigitalPart.DIGITAL_SELF_HELP]
    assert self_help.cells["paper_workbook"].value == 50
    assert self_help.cells["group_sessions"].value == 10
    assert self_help.cells[NO_OFFER_YET].value == 35  # 20 + 12 + 2 = 34, rounded
    assert self_help.total.value == 95  # 94 rounded
    assert tables[DigitalPart.VIDEO_APPOINTMENTS].total.value == 0
    assert all(c.status is CellStatus.PUBLISHED for c in self_help.cells.values())
