"""Plain-language labels for stored codes (contact modes, roles, reasons...), in every language.

Codes such as ``digital_self_help`` are for machines; people see "Digital self-help" or its Welsh.
``N_`` marks a string for the catalogue without translating it at import time.
"""

from __future__ import annotations

from withcare.web.i18n import gettext


def N_(message: str) -> str:  # the gettext convention for "mark, do not translate yet"
    return message


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
    "security": N_("Security"),
}


def label(code: str | None) -> str:
    if code is None:
        return ""
    return gettext(LABELS.get(code, code))
