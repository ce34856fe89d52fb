"""The closed vocabularies of the technology registry.

Every value here is stored in the database and written into exports, so each is a ``StrEnum`` whose
values are stable lower-case words: renaming a member's *label* is safe, changing its *value* is a
data migration.
"""

from __future__ import annotations

from enum import StrEnum


class TechnologyKind(StrEnum):
    APP = "app"
    WEB_PROGRAMME = "web_programme"
    CHATBOT = "chatbot"
    VR = "vr"
    WEARABLE = "wearable"
    GAME = "game"
    PLATFORM = "platform"


class Significance(StrEnum):
    """How much the information the technology gives matters to a health decision.

    ``inform``/``drive``/``treat``/``diagnose`` follow the IMDRF SaMD N12 axis ("inform clinical
    management", "drive clinical management", "treat or diagnose"); ``wellness`` is our addition
    for products with no medical purpose at all, which sit outside that matrix.
    """

    WELLNESS = "wellness"
    INFORM = "inform"
    DRIVE = "drive"
    TREAT = "treat"
    DIAGNOSE = "diagnose"

    @property
    def is_medical(self) -> bool:
        return self is not Significance.WELLNESS


class Seriousness(StrEnum):
    """The state of the health condition (IMDRF N12 axis)."""

    NON_SERIOUS = "non_serious"
    SERIOUS = "serious"
    CRITICAL = "critical"


class Jurisdiction(StrEnum):
    UK = "uk"
    EU = "eu"
    US = "us"
    DE = "de"
    OTHER = "other"


class RegulatoryPathway(StrEnum):
    """The route by which a regulator let a product onto its market."""

    FDA_DE_NOVO = "fda_de_novo"
    FDA_510K = "fda_510k"
    FDA_PMA = "fda_pma"
    UKCA_SELF_CERTIFIED = "ukca_self_certified"
    UKCA_APPROVED_BODY = "ukca_approved_body"
    CE_SELF_CERTIFIED = "ce_self_certified"
    CE_NOTIFIED_BODY = "ce_notified_body"
    DIGA = "diga"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Plain words for pages and summaries."""
        return _PATHWAY_LABELS[self]


_PATHWAY_LABELS = {
    RegulatoryPathway.FDA_DE_NOVO: "FDA De Novo (a new type of low-to-moderate risk device)",
    RegulatoryPathway.FDA_510K: "FDA 510(k) (similar to a device already on the market)",
    RegulatoryPathway.FDA_PMA: "FDA premarket approval",
    RegulatoryPathway.UKCA_SELF_CERTIFIED: "UKCA mark, self-certified by the maker",
    RegulatoryPathway.UKCA_APPROVED_BODY: "UKCA mark, checked by an approved body",
    RegulatoryPathway.CE_SELF_CERTIFIED: "CE mark, self-certified by the maker",
    RegulatoryPathway.CE_NOTIFIED_BODY: "CE mark, checked by a notified body",
    RegulatoryPathway.DIGA: "German DiGA directory listing",
    RegulatoryPathway.OTHER: "another route",
}


class RegulatoryStatus(StrEnum):
    AUTHORISED = "authorised"
    PROVISIONAL = "provisional"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    PENDING = "pending"


class DesignationKind(StrEnum):
    """Programmes that speed up or signal interest; none of them authorises marketing."""

    FDA_BREAKTHROUGH = "fda_breakthrough"
    MHRA_ILAP = "mhra_ilap"
    OTHER = "other"


class GuidanceRecommendation(StrEnum):
    """What a health technology assessment body recommended (NICE wording, in our own words)."""

    RECOMMENDED = "recommended"
    USE_WHILE_EVIDENCE_GENERATED = "use_while_evidence_generated"
    RESEARCH_ONLY = "research_only"
    NOT_RECOMMENDED = "not_recommended"


class StudyDesign(StrEnum):
    """Study designs, ordered by the strength of evidence they can give about effect."""

    SYSTEMATIC_REVIEW = "systematic_review"
    RCT = "rct"
    NON_RANDOMISED_CONTROLLED = "non_randomised_controlled"
    COHORT = "cohort"
    PRE_POST = "pre_post"
    REAL_WORLD = "real_world"
    FEASIBILITY = "feasibility"
    QUALITATIVE = "qualitative"


class EvidenceLevel(StrEnum):
    """A coarse, plain-language ladder for search filters (ours, not any framework's)."""

    NONE = "none"
    FEASIBILITY = "feasibility"
    OBSERVATIONAL = "observational"
    CONTROLLED = "controlled"
    RANDOMISED = "randomised"

    @property
    def rank(self) -> int:
        return list(EvidenceLevel).index(self)


class SuppliedBy(StrEnum):
    """Who put a fact into the registry."""

    DEVELOPER = "developer"
    EVALUATOR = "evaluator"
    PUBLIC_RECORD = "public_record"


class ReviewerKind(StrEnum):
    """People who review technologies (P8): lived experience is named, not folded into 'user'."""

    LIVED_EXPERIENCE = "lived_experience"
    CARER = "carer"
    PROFESSIONAL = "professional"


class ReviewState(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
