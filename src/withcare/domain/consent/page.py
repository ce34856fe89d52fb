"""What the person's consent page shows, computed in one place so every channel says the same.

The web page, the paper letter and the phone script all need the same facts: each offered item in
the person's language, its status, which buttons make sense, what must be answered now, the
history of choices, and an honest list of what was already used before each withdrawal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from withcare.domain.consent.documents import ConsentDocuments, Language, load_documents
from withcare.domain.consent.flows import DataFlow, UsedBeforeWithdrawal, used_before_withdrawal
from withcare.domain.consent.history import Action, ConsentDecision, ConsentHistory
from withcare.domain.consent.state import ItemStatus, consent_state
from withcare.domain.consent.vocabulary import ConsentItem

_ACTIONS: dict[ItemStatus, tuple[Action, ...]] = {
    ItemStatus.GRANTED: (Action.WITHDRAW,),
    ItemStatus.IMPLIED: (Action.WITHDRAW,),
    ItemStatus.NOT_ASKED: (Action.GRANT, Action.REFUSE),
    ItemStatus.NEEDS_REASKING: (Action.GRANT, Action.REFUSE),
    ItemStatus.REFUSED: (Action.GRANT,),
    ItemStatus.WITHDRAWN: (Action.GRANT,),
    ItemStatus.LEGAL_DUTY: (),
    ItemStatus.NOT_OFFERED: (),
}


def available_actions(status: ItemStatus) -> tuple[Action, ...]:
    """The choices that make sense from a status (each is accepted by ``record_decision``)."""
    return _ACTIONS[status]


@dataclass(frozen=True)
class PageItem:
    item: ConsentItem
    question: str
    status: ItemStatus
    actions: tuple[Action, ...]
    last_decision: ConsentDecision | None

    @property
    def needs_answer(self) -> bool:
        return self.status in (ItemStatus.NOT_ASKED, ItemStatus.NEEDS_REASKING)


@dataclass(frozen=True)
class ConsentPage:
    at: datetime
    document_version: int | None
    change_note: str
    items: tuple[PageItem, ...]
    history: tuple[ConsentDecision, ...]
    already_used: tuple[UsedBeforeWithdrawal, ...]

    @property
    def to_answer(self) -> tuple[PageItem, ...]:
        return tuple(i for i in self.items if i.needs_answer)


def consent_page(
    history: ConsentHistory,
    flows: Iterable[DataFlow],
    at: datetime,
    language: Language,
    documents: ConsentDocuments | None = None,
) -> ConsentPage:
    documents = documents or load_documents()
    state = consent_state(history, at, documents)
    document = state.document
    items = tuple(
        PageItem(
            item=item,
            question=document.wording(item, language) if document else "",
            status=item_state.status,
            actions=available_actions(item_state.status),
            last_decision=history.last_for(item, at),
        )
        for item, item_state in state.items.items()
    )
    return ConsentPage(
        at=at,
        document_version=document.number if document else None,
        change_note=document.change_note[language] if document else "",
        items=items,
        history=tuple(d for d in history if d.at <= at),
        already_used=used_before_withdrawal(history, flows, at),
    )
