"""Database models, one module per aggregate. Importing this package registers every table."""

from withcare.db.models.accounts import LoginSession, TeamMembership, User
from withcare.db.models.audit import AuditEvent, AuditHead
from withcare.db.models.choice import CarePreferenceRow, ChoiceEventRow, DischargeConfirmationRow
from withcare.db.models.consent import ConsentDecisionRow, DataFlowRow
from withcare.db.models.measures import (
    InstrumentLicence,
    MeasureAdministration,
    MeasureAssignment,
)
from withcare.db.models.organisation import CareTeam, Service
from withcare.db.models.people import Contact, Episode, Person, ProxyGrant
from withcare.db.models.privacy import CorrectionRequest, DataKeyRow, ErasureRecord
from withcare.db.models.registry import RegistryTechnology

__all__ = [
    "AuditEvent",
    "AuditHead",
    "CarePreferenceRow",
    "CareTeam",
    "ChoiceEventRow",
    "ConsentDecisionRow",
    "Contact",
    "CorrectionRequest",
    "DataFlowRow",
    "DataKeyRow",
    "DischargeConfirmationRow",
    "Episode",
    "ErasureRecord",
    "InstrumentLicence",
    "LoginSession",
    "MeasureAdministration",
    "MeasureAssignment",
    "Person",
    "ProxyGrant",
    "RegistryTechnology",
    "Service",
    "TeamMembership",
    "User",
]
