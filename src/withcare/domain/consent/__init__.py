"""Consent purposes, data streams, versioned documents and the policy check (P6).

The public surface, in the order a service meets it::

    documents  load_documents, ConsentDocuments, changed_items     what is asked, in which words
    history    ConsentDecision, ConsentHistory, Action, Actor      what the person decided
    recording  record_decision                                     the rules for a new decision
    state      consent_state, item_state, ItemStatus               what holds at a moment
    policy     check, require, ConsentRequired, people_with_consent  the one enforcement point
    flows      DataFlow, flows_without_consent, used_before_withdrawal  what was used, honestly
    page       consent_page, available_actions                     what the consent page shows
    fhir       consent_resources                                   FHIR R4 export
"""

from __future__ import annotations

from withcare.domain.consent.documents import (
    ConsentDocument,
    ConsentDocuments,
    changed_items,
    load_documents,
)
from withcare.domain.consent.fhir import consent_resources
from withcare.domain.consent.flows import (
    DataFlow,
    UsedBeforeWithdrawal,
    flows_without_consent,
    used_before_withdrawal,
)
from withcare.domain.consent.history import (
    Action,
    Actor,
    ConsentDecision,
    ConsentHistory,
    InvalidConsentDecision,
)
from withcare.domain.consent.page import ConsentPage, PageItem, available_actions, consent_page
from withcare.domain.consent.policy import (
    ConsentError,
    ConsentRequired,
    Decision,
    check,
    people_with_consent,
    require,
)
from withcare.domain.consent.recording import record_decision
from withcare.domain.consent.state import ConsentState, ItemState, ItemStatus, consent_state
from withcare.domain.consent.vocabulary import PROXY_ACCESS, Basis, ConsentItem, DataStream, Purpose

__all__ = [
    "PROXY_ACCESS",
    "Action",
    "Actor",
    "Basis",
    "ConsentDecision",
    "ConsentDocument",
    "ConsentDocuments",
    "ConsentError",
    "ConsentHistory",
    "ConsentItem",
    "ConsentPage",
    "ConsentRequired",
    "ConsentState",
    "DataFlow",
    "DataStream",
    "Decision",
    "InvalidConsentDecision",
    "ItemState",
    "ItemStatus",
    "PageItem",
    "Purpose",
    "UsedBeforeWithdrawal",
    "available_actions",
    "changed_items",
    "check",
    "consent_page",
    "consent_resources",
    "consent_state",
    "flows_without_consent",
    "load_documents",
    "people_with_consent",
    "record_decision",
    "require",
    "used_before_withdrawal",
]
