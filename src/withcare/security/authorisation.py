"""The one place that decides who may do what.

A decision has two parts:

1. **Role**: does this kind of account ever do this? (:data:`ROLE_PERMISSIONS`)
2. **Relationship**, for permissions that touch one person's data (:data:`PERSON_SCOPED`): a person
   may act on their own record; a clinician only on people with an episode in one of their care
   teams; a carer only within the scopes the person granted; nobody else, ever. Researchers and
   service managers hold no person-scoped permission, so they can never read an identifiable record.

Web routes declare the permission they need (the role part is checked before the handler runs) and
services call :func:`authorise` with the person in question, so no route can skip the relationship.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from withcare.domain.roles import Role


class Permission(StrEnum):
    PUBLIC = "public"
    AUTHENTICATED = "authenticated"
    # person-scoped
    PERSON_READ = "person.read"
    PERSON_CONTACTS_WRITE = "person.contacts.write"
    PERSON_AUDIT_READ = "person.audit.read"
    PERSON_RECOMMEND_TECHNOLOGY = "person.recommend_technology"
    PERSON_MEASURES_READ = "person.measures.read"  # measures (issue 3)
    PERSON_MEASURES_RESPOND = "person.measures.respond"
    PERSON_MEASURES_ASSIGN = "person.measures.assign"
    PERSON_MEASURES_ENTER = "person.measures.enter"
    INSTRUMENT_LICENCES_MANAGE = "instruments.licences.manage"  # not person-scoped
    PERSON_CONSENT_MANAGE = "person.consent.manage"  # consent, choice, privacy (issue 5)
    PERSON_CONSENT_RECORD_ON_BEHALF = "person.consent.record_on_behalf"
    PERSON_DATA_EXPORT = "person.data.export"
    PERSON_ERASURE_REQUEST = "person.erasure.request"
    PERSON_CORRECTION_REQUEST = "person.correction.request"
    PERSON_CARE_CHOICE = "person.care_choice"
    PERSON_DISCHARGE = "person.discharge"
    PERSON_SAFETY_READ = "person.safety.read"  # safety (issue 4)
    PERSON_SAFETY_PLAN_READ = "person.safety_plan.read"
    PERSON_SAFETY_PLAN_WRITE = "person.safety_plan.write"
    PERSON_CONTACT_REQUEST = "person.contact_request"
    PERSON_HELP_NOW = "person.help_now"
    ESCALATIONS_HANDLE = "escalations.handle"  # not person-scoped; checked per escalation
    ESCALATIONS_OVERSIGHT = "escalations.oversight"
    # not person-scoped
    CASELOAD_READ = "caseload.read"
    SERVICE_DASHBOARD = "service.dashboard"
    RESEARCH_DEIDENTIFIED = "research.deidentified"
    PERSON_SENSING_READ = "person.sensing.read"  # smartphone sensing (issue 7)
    PERSON_SENSING_ENROL = "person.sensing.enrol"
    RESEARCH_SENSING_EXPORT = "research.sensing.export"  # not person-scoped
    REGISTRY_EVALUATE = "registry.evaluate"
    PERSON_CARERS_READ = "person.carers.read"  # carers and proxy access
    PERSON_CARERS_MANAGE = "person.carers.manage"
    CARER_LINK = "carer.link"  # not person-scoped: a carer enters a person's invitation code
    PERSON_CARER_STEP_AWAY = "person.carer.step_away"  # a carer stops acting for the person
    USERS_MANAGE = "users.manage"
    AUDIT_VERIFY = "audit.verify"


PERSON_SCOPED: frozenset[Permission] = frozenset(
    {Permission.PERSON_READ, Permission.PERSON_CONTACTS_WRITE, Permission.PERSON_AUDIT_READ}
)
PERSON_SCOPED = PERSON_SCOPED | {Permission.PERSON_RECOMMEND_TECHNOLOGY}  # registry (issue 6)

_EVERYONE = {Permission.PUBLIC, Permission.AUTHENTICATED}

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.PERSON_IN_CARE: frozenset(
        _EVERYONE | {Permission.PERSON_READ, Permission.PERSON_AUDIT_READ}
    ),
    Role.CLINICIAN: frozenset(
        _EVERYONE
        | {Permission.CASELOAD_READ, Permission.PERSON_READ, Permission.PERSON_CONTACTS_WRITE}
        | {Permission.PERSON_RECOMMEND_TECHNOLOGY}
    ),
    Role.SERVICE_MANAGER: frozenset(_EVERYONE | {Permission.SERVICE_DASHBOARD}),
    Role.RESEARCHER: frozenset(_EVERYONE | {Permission.RESEARCH_DEIDENTIFIED}),
    Role.TECHNOLOGY_EVALUATOR: frozenset(_EVERYONE | {Permission.REGISTRY_EVALUATE}),
    Role.CARER: frozenset(_EVERYONE | {Permission.PERSON_READ}),
    Role.ADMIN: frozenset(_EVERYONE | {Permission.USERS_MANAGE, Permission.AUDIT_VERIFY}),
}

# What a carer needs the person to have granted for each person-scoped permission.
CARER_SCOPES: Mapping[Permission, str] = {Permission.PERSON_READ: "view_record"}

# Which person-scoped permissions a person holds over their own record.
SELF_PERMISSIONS: frozenset[Permission] = frozenset(
    {Permission.PERSON_READ, Permission.PERSON_AUDIT_READ}
)
# Which person-scoped permissions follow a care-team relationship.
TEAM_PERMISSIONS: frozenset[Permission] = frozenset(
    {Permission.PERSON_READ, Permission.PERSON_CONTACTS_WRITE}
)
TEAM_PERMISSIONS = TEAM_PERMISSIONS | {Permission.PERSON_RECOMMEND_TECHNOLOGY}  # registry (issue 6)

# Measurement-based care (issue 3): the person reads and answers their own questionnaires, their
# care team reads, assigns and enters paper/phone/in-person answers, a carer reads only with the
# person's "view_measures" scope, and an administrator records instrument licences.
_MEASURES_READ_AND_RESPOND = {Permission.PERSON_MEASURES_READ, Permission.PERSON_MEASURES_RESPOND}
_MEASURES_TEAM = {
    Permission.PERSON_MEASURES_READ,
    Permission.PERSON_MEASURES_ASSIGN,
    Permission.PERSON_MEASURES_ENTER,
}
PERSON_SCOPED = PERSON_SCOPED | _MEASURES_READ_AND_RESPOND | _MEASURES_TEAM
SELF_PERMISSIONS = SELF_PERMISSIONS | _MEASURES_READ_AND_RESPOND
TEAM_PERMISSIONS = TEAM_PERMISSIONS | _MEASURES_TEAM
CARER_SCOPES = {**CARER_SCOPES, Permission.PERSON_MEASURES_READ: "view_measures"}
_MEASURES_ROLES: Mapping[Role, frozenset[Permission]] = {
    Role.PERSON_IN_CARE: frozenset(_MEASURES_READ_AND_RESPOND),
    Role.CLINICIAN: frozenset(_MEASURES_TEAM),
    Role.CARER: frozenset({Permission.PERSON_MEASURES_READ}),
    Role.ADMIN: frozenset({Permission.INSTRUMENT_LICENCES_MANAGE}),
}
ROLE_PERMISSIONS = {
    role: granted | _MEASURES_ROLES.get(role, frozenset())
    for role, granted in ROLE_PERMISSIONS.items()
}

# Consent, choice, human contact and data rights (issue 5).
_CONSENT_SELF = {
    Permission.PERSON_CONSENT_MANAGE,
    Permission.PERSON_DATA_EXPORT,
    Permission.PERSON_ERASURE_REQUEST,
    Permission.PERSON_CORRECTION_REQUEST,
}
_CONSENT_TEAM = {
    Permission.PERSON_CONSENT_RECORD_ON_BEHALF,
    Permission.PERSON_CARE_CHOICE,
    Permission.PERSON_DISCHARGE,
}
PERSON_SCOPED = PERSON_SCOPED | _CONSENT_SELF | _CONSENT_TEAM
SELF_PERMISSIONS = SELF_PERMISSIONS | _CONSENT_SELF
TEAM_PERMISSIONS = TEAM_PERMISSIONS | _CONSENT_TEAM
# The proxy-access consent item says a carer "can see your record and make choices on this page".
CARER_SCOPES = {**CARER_SCOPES, Permission.PERSON_CONSENT_MANAGE: "view_record"}
ROLE_PERMISSIONS = {
    **ROLE_PERMISSIONS,
    Role.PERSON_IN_CARE: ROLE_PERMISSIONS[Role.PERSON_IN_CARE] | _CONSENT_SELF,
    Role.CLINICIAN: ROLE_PERMISSIONS[Role.CLINICIAN] | _CONSENT_TEAM,
    Role.CARER: ROLE_PERMISSIONS[Role.CARER] | {Permission.PERSON_CONSENT_MANAGE},
}

# Safety (issue 4): the person and their care team read open escalations, risk flags and the
# safety plan, and make the plan together; only the person asks for help for themselves.
# Escalations are handled by clinicians and service managers, who are checked per escalation
# (care team, named owner, or the duty rota) by the safety service.
_SAFETY_SELF = {
    Permission.PERSON_SAFETY_READ,
    Permission.PERSON_SAFETY_PLAN_READ,
    Permission.PERSON_SAFETY_PLAN_WRITE,
    Permission.PERSON_CONTACT_REQUEST,
    Permission.PERSON_HELP_NOW,
}
_SAFETY_TEAM = {
    Permission.PERSON_SAFETY_READ,
    Permission.PERSON_SAFETY_PLAN_READ,
    Permission.PERSON_SAFETY_PLAN_WRITE,
}
PERSON_SCOPED = PERSON_SCOPED | _SAFETY_SELF | _SAFETY_TEAM
SELF_PERMISSIONS = SELF_PERMISSIONS | _SAFETY_SELF
TEAM_PERMISSIONS = TEAM_PERMISSIONS | _SAFETY_TEAM
ROLE_PERMISSIONS = {
    **ROLE_PERMISSIONS,
    Role.PERSON_IN_CARE: ROLE_PERMISSIONS[Role.PERSON_IN_CARE] | _SAFETY_SELF,
    Role.CLINICIAN: ROLE_PERMISSIONS[Role.CLINICIAN]
    | _SAFETY_TEAM
    | {Permission.ESCALATIONS_HANDLE},
    Role.SERVICE_MANAGER: ROLE_PERMISSIONS[Role.SERVICE_MANAGER]
    | {Permission.ESCALATIONS_HANDLE, Permission.ESCALATIONS_OVERSIGHT},
}

# Smartphone sensing (issue 7): the person and their care team read the daily features and enrol
# (always only with the person's explicit sensing consent, checked by the sensing service);
# researchers export pseudonymised features of consenting participants only.
_SENSING = {Permission.PERSON_SENSING_READ, Permission.PERSON_SENSING_ENROL}
PERSON_SCOPED = PERSON_SCOPED | _SENSING
SELF_PERMISSIONS = SELF_PERMISSIONS | _SENSING
TEAM_PERMISSIONS = TEAM_PERMISSIONS | _SENSING
ROLE_PERMISSIONS = {
    **ROLE_PERMISSIONS,
    Role.PERSON_IN_CARE: ROLE_PERMISSIONS[Role.PERSON_IN_CARE] | _SENSING,
    Role.CLINICIAN: ROLE_PERMISSIONS[Role.CLINICIAN] | _SENSING,
    Role.RESEARCHER: ROLE_PERMISSIONS[Role.RESEARCHER] | {Permission.RESEARCH_SENSING_EXPORT},
}

# Carers and proxy access: the person sees, changes and ends who can act for them and invites new
# carers (theirs alone: no carer scope and no care team can do that for them); their care team
# sees the list; a carer account links itself to a person with the person's one-time code.
_CARERS_SELF = {Permission.PERSON_CARERS_READ, Permission.PERSON_CARERS_MANAGE}
_CARERS_TEAM = {Permission.PERSON_CARERS_READ}
PERSON_SCOPED = PERSON_SCOPED | _CARERS_SELF
SELF_PERMISSIONS = SELF_PERMISSIONS | _CARERS_SELF
TEAM_PERMISSIONS = TEAM_PERMISSIONS | _CARERS_TEAM
ROLE_PERMISSIONS = {
    **ROLE_PERMISSIONS,
    Role.PERSON_IN_CARE: ROLE_PERMISSIONS[Role.PERSON_IN_CARE] | _CARERS_SELF,
    Role.CLINICIAN: ROLE_PERMISSIONS[Role.CLINICIAN] | _CARERS_TEAM,
    Role.CARER: ROLE_PERMISSIONS[Role.CARER] | {Permission.CARER_LINK},
}
# A carer can stop acting for a person they act for, whatever that person lets them see.
ANY_CARER_SCOPE = "any"
PERSON_SCOPED = PERSON_SCOPED | {Permission.PERSON_CARER_STEP_AWAY}
CARER_SCOPES = {**CARER_SCOPES, Permission.PERSON_CARER_STEP_AWAY: ANY_CARER_SCOPE}
ROLE_PERMISSIONS = {
    **ROLE_PERMISSIONS,
    Role.CARER: ROLE_PERMISSIONS[Role.CARER] | {Permission.PERSON_CARER_STEP_AWAY},
}
# The scopes a person can give a carer: every scope some permission above asks for.
CARER_SCOPE_NAMES: frozenset[str] = frozenset(CARER_SCOPES.values()) - {ANY_CARER_SCOPE}


class AccessDenied(Exception):
    """Raised when an actor may not do something. The message is safe to show to that actor."""

    def __init__(self, message: str = "You do not have access to this.") -> None:
        super().__init__(message)
        self.message = message


class NotAuthenticated(AccessDenied):
    def __init__(self) -> None:
        super().__init__("Please log in to continue.")


@dataclass(frozen=True)
class Actor:
    """Someone acting, with the relationships that can grant access to people."""

    user_id: str
    role: Role
    display_name: str = ""
    team_ids: frozenset[str] = frozenset()
    person_id: str | None = None
    proxy_scopes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    service_id: str | None = None


@dataclass(frozen=True)
class PersonContext:
    """What authorisation needs to know about a person: who they are and which teams care for them."""

    person_id: str
    team_ids: frozenset[str]


def role_allows(role: Role | None, permission: Permission) -> bool:
    if permission is Permission.PUBLIC:
        return True
    if role is None:
        return False
    return permission in ROLE_PERMISSIONS[role]


def can(actor: Actor | None, permission: Permission, person: PersonContext | None = None) -> bool:
    if permission is Permission.PUBLIC:
        return True
    if actor is None or not role_allows(actor.role, permission):
        return False
    if permission not in PERSON_SCOPED:
        return True
    if person is None:
        # Role check only (used by routes before the person is loaded); services pass the person.
        return True
    if actor.role is Role.PERSON_IN_CARE:
        return actor.person_id == person.person_id and permission in SELF_PERMISSIONS
    if actor.role is Role.CLINICIAN:
        return permission in TEAM_PERMISSIONS and bool(actor.team_ids & person.team_ids)
    if actor.role is Role.CARER:
        needed = CARER_SCOPES.get(permission)
        held = actor.proxy_scopes.get(person.person_id, frozenset())
        return needed is not None and (needed in held or (needed == ANY_CARER_SCOPE and bool(held)))
    return False


def authorise(
    actor: Actor | None, permission: Permission, person: PersonContext | None = None
) -> None:
    """Return if allowed, otherwise raise :class:`AccessDenied` (or :class:`NotAuthenticated`)."""
    if actor is None and permission is not Permission.PUBLIC:
        raise NotAuthenticated()
    if not can(actor, permission, person):
        raise AccessDenied()
