"""The shipped consent documents: complete in both languages, versioned, re-asking only changes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from withcare.domain.consent import ConsentItem, DataStream, Purpose, changed_items, load_documents
from withcare.domain.consent.documents import ConsentDocumentError, documents_from_mapping


def test_every_item_has_wording_in_english_and_welsh() -> None:
    for document in load_documents().versions:
        for item in document.items:
            english, welsh = document.wording(item, "en"), document.wording(item, "cy")
            assert english.strip()
            assert welsh.strip()
            assert english != welsh


def test_every_purpose_is_offered_and_proxy_access_is_its_own_item() -> None:
    latest = load_documents().latest
    assert {item.purpose for item in latest.items} == set(Purpose)
    assert latest.offers(ConsentItem(Purpose.DIRECT_CARE, DataStream.PROXY_ACCESS))


def test_version_two_changes_exactly_research_and_location_items() -> None:
    v1, v2 = load_documents().versions
    changed = changed_items(v1, v2)
    expected = {i for i in v2.items if i.purpose is Purpose.RESEARCH} | {
        i for i in v2.items if i.stream is DataStream.SMARTPHONE_LOCATION
    }
    assert changed == expected


def test_in_force_at_follows_effective_dates() -> None:
    documents = load_documents()
    assert documents.in_force_at(datetime(2025, 12, 31, tzinfo=UTC)) is None
    assert documents.in_force_at(datetime(2026, 1, 1, tzinfo=UTC)) == documents.version(1)
    assert documents.in_force_at(datetime(2027, 1, 1, tzinfo=UTC)) == documents.version(2)


def _one_version(**overrides: Any) -> dict[str, Any]:
    wording = {"title_en": "t", "title_cy": "t", "text_en": "x", "text_cy": "x"}
    version = {
        "number": 1,
        "effective_from": datetime(2026, 1, 1, tzinfo=UTC),
        "change_note_en": "n",
        "change_note_cy": "n",
        "purposes": {"research": wording},
        "streams": {"sleep": wording},
        "items": [{"purpose": "research", "streams": ["sleep"], "basis": "explicit"}],
    }
    version.update(overrides)
    return {"version": [version]}


def test_broken_document_data_is_caught_at_load_time() -> None:
    assert documents_from_mapping(_one_version()).latest.number == 1
    with pytest.raises(ConsentDocumentError, match="without wording"):
        documents_from_mapping(_one_version(streams={}))
    with pytest.raises(ConsentDocumentError, match="twice"):
        documents_from_mapping(
            _one_version(
                items=[{"purpose": "research", "streams": ["sleep", "sleep"], "basis": "explicit"}]
            )
        )
    with pytest.raises(ConsentDocumentError, match="explicit yes"):
        documents_from_mapping(
            _one_version(items=[{"purpose": "research", "streams": ["sleep"], "basis": "implied"}])
        )
    with pytest.raises(ConsentDocumentError, match="lacks"):
        documents_from_mapping(_one_version(purposes={"research": {"title_en": "t"}}))
