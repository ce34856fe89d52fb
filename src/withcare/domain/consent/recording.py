"""The rules for recording a new consent decision.

Kept apart from the history (a plain record) so the rules read in one place:

* the item must be offered by the document version the person was shown, already in force;
* a carer (``Actor.PROXY``) may act only while the person allows proxy access, and may never change
  proxy access itself;
* withdrawing needs something to withdraw; a legal-duty item cannot be refused, only explained.
"""

from __future__ import annotations

from withcare.domain.consent.documents import ConsentDocuments, load_documents
from withcare.domain.consent.history import (
    Action,
    Actor,
    ConsentDecision,
    ConsentHistory,
    InvalidConsentDecision,
)
from withcare.domain.consent.state import ItemStatus, item_state
from withcare.domain.consent.vocabulary import PROXY_ACCESS, Basis


def record_decision(
    history: ConsentHistory,
    decision: ConsentDecision,
    documents: ConsentDocuments | None = None,
) -> ConsentHistory:
    """Return ``history`` with ``decision`` appended, or raise :class:`InvalidConsentDecision`."""
    documents = documents or load_documents()
    history.appended(decision)  # time order first: nothing below may judge a rewritten past
    try:
        shown = documents.version(decision.document_version)
    except KeyError:
        raise InvalidConsentDecision(
            f"consent document version {decision.document_version} does not exist"
        ) from None
    if shown.effective_from > decision.at:
        raise InvalidConsentDecision(
            f"document version {shown.number} is not in force until {shown.effective_from}"
        )
    if not shown.offers(decision.item):
        raise InvalidConsentDecision(
            f"document version {shown.number} does not ask about {decision.item}"
        )
    if shown.basis(decision.item) is Basis.LEGAL_DUTY and decision.action is not Action.GRANT:
        raise InvalidConsentDecision(
            f"{decision.item} is kept because the law requires the clinical record; it cannot be "
            "refused here. Explain why it is kept, and offer the person a conversation about it."
        )
    if decision.actor is Actor.PROXY:
        if decision.item == PROXY_ACCESS:
            raise InvalidConsentDecision("only the person can change proxy access, never the proxy")
        if not item_state(history, PROXY_ACCESS, decision.at, documents).allows:
            raise InvalidConsentDecision(
                "this carer cannot act for the person: the person has not allowed proxy access"
            )
    if decision.action is Action.WITHDRAW:
        current = item_state(history, decision.item, decision.at, documents)
        if current.status not in (ItemStatus.GRANTED, ItemStatus.IMPLIED):
            raise InvalidConsentDecision(
                f"nothing to withdraw for {decision.item}: it is {current.status.value}"
            )
    return history.appended(decision)
