"""The consent state of one person at one moment, computed from their history.

For each item offered by the document in force, the state is one of :class:`ItemStatus`. Only
``GRANTED``, ``IMPLIED`` and ``LEGAL_DUTY`` allow data to flow. A grant given under an older
document version whose wording for that item has since changed becomes ``NEEDS_REASKING`` (the
person agreed to different words); a refusal or withdrawal stays in force whatever the wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from withcare.domain.consent.documents import ConsentDocument, ConsentDocuments, load_documents
from withcare.domain.consent.history import Action, ConsentDecision, ConsentHistory
from withcare.domain.consent.vocabulary import Basis, ConsentItem


class ItemStatus(StrEnum):
    GRANTED = "granted"
    IMPLIED = "implied"
    LEGAL_DUTY = "legal_duty"
    NOT_ASKED = "not_asked"
    NEEDS_REASKING = "needs_reasking"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    NOT_OFFERED = "not_offered"

    @property
    def allows(self) -> bool:
        return self in (ItemStatus.GRANTED, ItemStatus.IMPLIED, ItemStatus.LEGAL_DUTY)


@dataclass(frozen=True)
class ItemState:
    item: ConsentItem
    status: ItemStatus
    decision: ConsentDecision | None
    """The decision the status rests on (None when nothing was decided)."""

    @property
    def allows(self) -> bool:
        return self.status.allows


_BASIS_DEFAULT = {
    Basis.IMPLIED: ItemStatus.IMPLIED,
    Basis.EXPLICIT: ItemStatus.NOT_ASKED,
    Basis.LEGAL_DUTY: ItemStatus.LEGAL_DUTY,
}


def item_state(
    history: ConsentHistory,
    item: ConsentItem,
    at: datetime,
    documents: ConsentDocuments | None = None,
) -> ItemState:
    """The state of one item at one moment. The single rule every other function relies on."""
    documents = documents or load_documents()
    current = documents.in_force_at(at)
    if current is None or not current.offers(item):
        return ItemState(item, ItemStatus.NOT_OFFERED, None)
    basis = current.basis(item)
    if basis is Basis.LEGAL_DUTY:
        return ItemState(item, ItemStatus.LEGAL_DUTY, None)
    last = history.last_for(item, at)
    if last is None:
        return ItemState(item, _BASIS_DEFAULT[basis], None)
    if last.action is Action.REFUSE:
        return ItemState(item, ItemStatus.REFUSED, last)
    if last.action is Action.WITHDRAW:
        return ItemState(item, ItemStatus.WITHDRAWN, last)
    if _same_words(documents.version(last.document_version), current, item):
        return ItemState(item, ItemStatus.GRANTED, last)
    if basis is Basis.IMPLIED:
        return ItemState(item, ItemStatus.IMPLIED, last)
    return ItemState(item, ItemStatus.NEEDS_REASKING, last)


def _same_words(seen: ConsentDocument, current: ConsentDocument, item: ConsentItem) -> bool:
    return seen.offers(item) and seen.fingerprint(item) == current.fingerprint(item)


@dataclass(frozen=True)
class ConsentState:
    """Every offered item's state at one moment: what the consent page shows."""

    at: datetime
    document: ConsentDocument | None
    items: Mapping[ConsentItem, ItemState]

    def allows(self, item: ConsentItem) -> bool:
        state = self.items.get(item)
        return state is not None and state.allows

    @property
    def to_ask(self) -> tuple[ConsentItem, ...]:
        """Items to put to the person now: never answered, or granted under different words.

        Refusals are not asked again just because the wording changed: asking again after a "no"
        is pressure, and the person can change their answer on the consent page at any time.
        """
        wanted = (ItemStatus.NOT_ASKED, ItemStatus.NEEDS_REASKING)
        return tuple(sorted(i for i, s in self.items.items() if s.status in wanted))


def consent_state(
    history: ConsentHistory, at: datetime, documents: ConsentDocuments | None = None
) -> ConsentState:
    documents = documents or load_documents()
    current = documents.in_force_at(at)
    offered = sorted(current.items) if current else []
    return ConsentState(
        at=at,
        document=current,
        items={item: item_state(history, item, at, documents) for item in offered},
    )
