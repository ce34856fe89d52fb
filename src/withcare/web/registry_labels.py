"""Plain-language labels for the registry's codes (technology kinds, evidence, regulation...).

Registered as the ``registry_label`` template filter; codes without a label are shown with their
underscores replaced, so nothing is ever hidden. The shared ``label`` filter is tried first.
"""

from __future__ import annotations

from withcare.messages import N_
from withcare.web.i18n import gettext
from withcare.web.labels import LABELS

REGISTRY_LABELS: dict[str, str] = {
    # technology kinds
    "app": N_("App"),
    "web_programme": N_("Online programme"),
    "chatbot": N_("Chatbot"),
    "vr": N_("Virtual reality"),
    "wearable": N_("Wearable device"),
    "game": N_("Game"),
    "platform": N_("Platform"),
    # evidence levels and study designs
    "none": N_("none"),
    "feasibility": N_("feasibility studies only"),
    "observational": N_("observational studies"),
    "controlled": N_("controlled studies"),
    "randomised": N_("randomised controlled trials"),
    "systematic_review": N_("Systematic review"),
    "rct": N_("Randomised controlled trial"),
    "non_randomised_controlled": N_("Controlled study, not randomised"),
    "cohort": N_("Cohort study"),
    "pre_post": N_("Before-and-after study"),
    "real_world": N_("Real-world data study"),
    "qualitative": N_("Qualitative study"),
    # regulation
    "authorised": N_("authorised"),
    "provisional": N_("provisionally authorised"),
    "withdrawn": N_("withdrawn"),
    "expired": N_("expired"),
    "pending": N_("pending"),
    "fda_breakthrough": N_("FDA Breakthrough Device designation"),
    "mhra_ilap": N_("MHRA Innovative Licensing and Access Pathway"),
    # guidance
    "recommended": N_("recommended"),
    "use_while_evidence_generated": N_("can be used while more evidence is collected"),
    "research_only": N_("only in research"),
    "not_recommended": N_("not recommended"),
    # classification schemes
    "nice_esf_tier": N_("NICE Evidence Standards Framework tier"),
    "imdrf_samd": N_("IMDRF software as a medical device category"),
    "mdr_rule_11": N_("EU MDR Rule 11 class"),
    "uk_samd": N_("Likely a medical device in the UK"),
    # who supplied a fact; who reviewed
    "developer": N_("the developer"),
    "evaluator": N_("an evaluator"),
    "public_record": N_("a public record"),
    "lived_experience": N_("Person with lived experience"),
    "professional": N_("Professional"),
    # access facts
    "ios": N_("iPhone and iPad"),
    "android": N_("Android"),
    "web": N_("Web browser"),
    "desktop": N_("Desktop computer"),
    "vr_headset": N_("VR headset"),
    "free": N_("Free"),
    "freemium": N_("Free, with paid extras"),
    "subscription": N_("Subscription"),
    "one_off": N_("One-off payment"),
    "prescription": N_("On prescription"),
    "commissioned": N_("Paid for by the health service"),
    "screen_reader": N_("Works with screen readers"),
    "captions": N_("Captions"),
    "adjustable_text": N_("Adjustable text size"),
    "easy_read": N_("Easy read"),
    "sign_language": N_("Sign language"),
    "high_contrast": N_("High contrast"),
    "voice_input": N_("Voice input"),
    # record kinds of an import or export file
    "organisations": N_("organisations"),
    "technologies": N_("technologies"),
    "versions": N_("versions"),
    "intended_uses": N_("intended uses"),
    "facts": N_("facts"),
    "regulatory_records": N_("regulatory records"),
    "designations": N_("designations"),
    "guidance_records": N_("guidance records"),
    "studies": N_("studies"),
    "professional_assessments": N_("professional assessments"),
    "reviews": N_("reviews"),
    "feedback_responses": N_("feedback responses"),
}


def registry_label(code: object) -> str:
    if code is None:
        return ""
    text = str(code)
    if text in LABELS:
        return gettext(LABELS[text])
    if text in REGISTRY_LABELS:
        return gettext(REGISTRY_LABELS[text])
    return text.replace("_", " ")
