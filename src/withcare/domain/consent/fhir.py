"""FHIR R4 Consent resources for export (the person's data download and interoperability).

``fhir.resources`` 8 ships R5 at its top level and R4 as its ``R4B`` subpackage (R4B changed no
part of the Consent resource from R4), so we build ``fhir.resources.R4B.consent.Consent``. One
resource per decided item, mapped like this:

* granted   -> status ``active``,   provision ``permit``
* refused   -> status ``active``,   provision ``deny`` (a standing "no" is an active directive)
* withdrawn -> status ``inactive``, provision ``permit`` whose period ends at the withdrawal
* purpose   -> ``provision.purpose`` from HL7 v3 ActReason, plus our own purpose code
* stream    -> ``provision.code`` in the Withcare data-stream code system
* basis     -> ``policyRule`` OPTIN (explicit) or OPTOUT (implied); the document version is the
  ``policy.uri``
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fhir.resources.R4B.consent import Consent

from withcare.domain.consent.documents import ConsentDocuments, load_documents
from withcare.domain.consent.history import ConsentHistory
from withcare.domain.consent.state import ItemState, ItemStatus, consent_state
from withcare.domain.consent.vocabulary import Basis, Purpose

WITHCARE_CODE_SYSTEM = "https://withcare.example/fhir/CodeSystem"
"""Base of Withcare's own code systems; a deployment may publish them under its own domain."""
DATA_STREAM_SYSTEM = f"{WITHCARE_CODE_SYSTEM}/data-stream"
PURPOSE_SYSTEM = f"{WITHCARE_CODE_SYSTEM}/consent-purpose"
CONSENT_DOCUMENT_URI = "https://withcare.example/consent/documents/v{version}"

_ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
_PURPOSE_OF_USE = {
    Purpose.DIRECT_CARE: ("TREAT", "treatment"),
    Purpose.PERSONALISED_SELF_HELP: ("TREAT", "treatment"),
    Purpose.RESEARCH: ("HRESCH", "healthcare research"),
    Purpose.POPULATION_STATISTICS: ("POPHLTH", "population health"),
    Purpose.SERVICE_IMPROVEMENT: ("HQUALIMP", "health quality improvement"),
}
_SCOPE = {Purpose.RESEARCH: "research", Purpose.DIRECT_CARE: "treatment"}
_POLICY_RULE = {Basis.EXPLICIT: "OPTIN", Basis.IMPLIED: "OPTOUT", Basis.LEGAL_DUTY: "OPTOUT"}
_EXPORTED = (ItemStatus.GRANTED, ItemStatus.REFUSED, ItemStatus.WITHDRAWN)


def _coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _resource(state: ItemState, patient_reference: str, basis: Basis) -> Consent:
    decision = state.decision
    assert decision is not None  # only decided items are exported
    purpose, stream = state.item.purpose, state.item.stream
    reason_code, reason_display = _PURPOSE_OF_USE[purpose]
    period: dict[str, str] = {"start": decision.at.isoformat()}
    if state.status is ItemStatus.WITHDRAWN:
        period = {"end": decision.at.isoformat()}
    data: dict[str, Any] = {
        "resourceType": "Consent",
        "status": "inactive" if state.status is ItemStatus.WITHDRAWN else "active",
        "scope": {
            "coding": [
                _coding(
                    "http://terminology.hl7.org/CodeSystem/consentscope",
                    _SCOPE.get(purpose, "patient-privacy"),
                )
            ]
        },
        "category": [{"coding": [_coding("http://loinc.org", "59284-0", "Patient Consent")]}],
        "patient": {"reference": patient_reference},
        "dateTime": decision.at.isoformat(),
        "policy": [{"uri": CONSENT_DOCUMENT_URI.format(version=decision.document_version)}],
        "policyRule": {
            "coding": [
                _coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", _POLICY_RULE[basis])
            ]
        },
        "provision": {
            "type": "deny" if state.status is ItemStatus.REFUSED else "permit",
            "period": period,
            "purpose": [
                _coding(_ACT_REASON, reason_code, reason_display),
                _coding(PURPOSE_SYSTEM, purpose.value),
            ],
            "code": [{"coding": [_coding(DATA_STREAM_SYSTEM, stream.value)]}],
        },
    }
    return Consent.model_validate(data)


def consent_resources(
    history: ConsentHistory,
    patient_reference: str,
    at: datetime,
    documents: ConsentDocuments | None = None,
) -> list[Consent]:
    """One validated FHIR R4 Consent per item the person has decided, as things stand at ``at``."""
    documents = documents or load_documents()
    state = consent_state(history, at, documents)
    if state.document is None:
        return []
    return [
        _resource(item_state, patient_reference, state.document.basis(item))
        for item, item_state in state.items.items()
        if item_state.status in _EXPORTED
    ]
