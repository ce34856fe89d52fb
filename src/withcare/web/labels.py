"""Plain-language labels for stored codes (contact modes, roles, reasons...), in every language.

Codes such as ``digital_self_help`` are for machines; people see "Digital self-help" or its Welsh.
``N_`` marks a string for the catalogue without translating it at import time.
"""

from __future__ import annotations

from withcare.messages import N_
from withcare.web.i18n import gettext

LABELS: dict[str, str] = {
    # contact modes and care preferences
    "in_person": N_("In person"),
    "phone": N_("Phone"),
    "video": N_("Video"),
    "text_message": N_("Text message"),
    "digital_self_help": N_("Digital self-help"),
    "paper": N_("Paper"),
    # roles
    "person_in_care": N_("Person in care"),
    "clinician": N_("Clinician"),
    "service_manager": N_("Service manager"),
    "researcher": N_("Researcher"),
    "technology_evaluator": N_("Technology evaluator"),
    "carer": N_("Carer"),
    "admin": N_("Administrator"),
    "system": N_("Withcare system"),
    # referral sources
    "self": N_("Self-referral"),
    "gp": N_("GP"),
    "secondary_care": N_("Secondary care"),
    "social_care": N_("Social care"),
    "education": N_("Education"),
    "employer": N_("Employer"),
    "voluntary_sector": N_("Voluntary sector"),
    "other": N_("Other"),
    # discharge reasons
    "completed": N_("Completed"),
    "stepped_up": N_("Stepped up"),
    "stepped_down": N_("Stepped down"),
    "declined": N_("Declined"),
    "dropped_out": N_("Dropped out"),
    "moved_away": N_("Moved away"),
    "not_suitable": N_("Not suitable"),
    # audit actions and reasons
    "person.read": N_("Opened the record"),
    "person.list": N_("Saw the name in a caseload"),
    "person.create": N_("Created the record"),
    "contact.create": N_("Recorded a contact"),
    "audit.read": N_("Looked at this access list"),
    "account.create": N_("Created an account"),
    "direct_care": N_("Direct care"),
    "self_access": N_("Your own access"),
    "proxy_access": N_("Access you allowed a carer"),
    "administration": N_("Administration"),
    "demo_data": N_("Demo data"),
    # what a person lets a carer do (carers and proxy access)
    "view_record": N_("See the record (care, contacts) and make consent choices"),
    "view_measures": N_("See questionnaires and their results"),
    "security": N_("Security"),
}


# Audit actions are "<what>.<verb>" codes; a person reads them as "<what>: <verb>".
ACTION_SUBJECTS: dict[str, str] = {
    "person": N_("Record"),
    "contact": N_("Contact"),
    "contact_request": N_("Request to talk to a person"),
    "episode": N_("Episode of care"),
    "audit": N_("Access list"),
    "account": N_("Account"),
    "consent": N_("Consent choices"),
    "choice": N_("Care choices"),
    "correction": N_("Correction request"),
    "human_contact": N_("Human contact summary"),
    "measure_administration": N_("Questionnaire answers"),
    "measure_assignment": N_("Questionnaire plan"),
    "measure_due": N_("Questionnaires to do"),
    "measure_form": N_("Questionnaire"),
    "measure_overview": N_("Questionnaire results"),
    "measure_reminder": N_("Questionnaire reminder"),
    "measure_bundle": N_("Questionnaire results export"),
    "measures": N_("Questionnaire results"),
    "escalation": N_("Safety follow-up"),
    "risk_signal": N_("Risk alert"),
    "safety_plan": N_("Safety plan"),
    "free_text": N_("Message check"),
    "sensing_enrolment": N_("Phone sensing"),
    "sensing_features": N_("Phone sensing results"),
    "registry": N_("Technology registry"),
    "carers": N_("People who can act for you"),
    "carer_access": N_("A carer's access"),
    "carer_invitation": N_("Invitation for a carer"),
}
ACTION_VERBS: dict[str, str] = {
    "read": N_("viewed"),
    "list": N_("seen in a list"),
    "create": N_("created"),
    "open": N_("opened"),
    "draft": N_("saved as a draft"),
    "save": N_("saved"),
    "submit": N_("submitted"),
    "record": N_("recorded"),
    "raise": N_("raised"),
    "decide": N_("changed"),
    "decline": N_("declined"),
    "offer": N_("alternative offered"),
    "preferences": N_("preferences recorded"),
    "reinstate": N_("taken up again"),
    "request": N_("requested"),
    "resolve": N_("resolved"),
    "discharge": N_("ended"),
    "named_clinician": N_("named clinician changed"),
    "export": N_("exported"),
    "erase": N_("erased"),
    "end": N_("ended"),
    "snooze": N_("reminder postponed"),
    "send": N_("sent"),
    "write": N_("written"),
    "set": N_("changed"),
    "grant": N_("given"),
    "use": N_("used"),
    "cancel": N_("cancelled"),
}


def action_label(code: str | None) -> str:
    """``measure_administration.submit`` -> "Questionnaire answers: submitted" (in Welsh too)."""
    if code is None:
        return ""
    if code in LABELS:
        return gettext(LABELS[code])
    subject, _, verb = code.partition(".")
    what = gettext(ACTION_SUBJECTS[subject]) if subject in ACTION_SUBJECTS else subject
    did = gettext(ACTION_VERBS[verb]) if verb in ACTION_VERBS else verb.replace("_", " ")
    return f"{what}: {did}" if verb else what.replace("_", " ")


def label(code: str | None) -> str:
    if code is None:
        return ""
    return gettext(LABELS.get(code, code))
