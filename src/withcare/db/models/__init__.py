"""Database models, one module per aggregate. Importing this package registers every table."""

from withcare.db.models.accounts import LoginSession, TeamMembership, User
from withcare.db.models.audit import AuditEvent, AuditHead
from withcare.db.models.carers import ProxyInvitation  # carers and proxy access
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
from withcare.db.models.safety import (  # safety (issue 4)
    ContactRequestRow,
    CrisisContactRow,
    DeliveryAttemptRow,
    EscalationEventRow,
    EscalationRow,
    NotificationRow,
    RiskSignalRow,
    SafetyPlanVersionRow,
    WorkerHeartbeatRow,
)
from withcare.db.models.sensing import (  # smartphone sensing (issue 7)
    SensingDailyFeature,
    SensingEnrolment,
    SensingRun,
)

__all__ = [
    "AuditEvent",
    "AuditHead",
    "CarePreferenceRow",
    "CareTeam",
    "ChoiceEventRow",
    "ConsentDecisionRow",
    "Contact",
    "ContactRequestRow",
    "CorrectionRequest",
    "CrisisContactRow",
    "DataFlowRow",
    "DataKeyRow",
    "DeliveryAttemptRow",
    "DischargeConfirmationRow",
    "Episode",
    "ErasureRecord",
    "EscalationEventRow",
    "EscalationRow",
    "InstrumentLicence",
    "LoginSession",
    "MeasureAdministration",
    "MeasureAssignment",
    "NotificationRow",
    "Person",
    "ProxyGrant",
    "ProxyInvitation",
    "RegistryTechnology",
    "RiskSignalRow",
    "SafetyPlanVersionRow",
    "SensingDailyFeature",
    "SensingEnrolment",
    "SensingRun",
    "Service",
    "TeamMembership",
    "User",
    "WorkerHeartbeatRow",
]
