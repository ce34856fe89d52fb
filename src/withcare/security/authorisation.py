"""The one place that decides who may do what.

A decision has two parts:

The whole policy is one table, :data:`RULES`: for each permission, who holds it. Everything else
here is derived from it.

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


#: A carer scope that any live grant satisfies, whatever the person lets the carer see.
ANY_CARER_SCOPE = "any"
_VIEW_RECORD, _VIEW_MEASURES = "view_record", "view_measures"


@dataclass(frozen=True)
class Holders:
    """Who holds a permission.

    Person-scoped permissions are held through a relationship with the person: their own record
    (``own``), a clinician in one of the person's care teams (``team``), or a carer the person gave
    ``carer_scope``. Other permissions are held by the listed ``roles``, whoever the person.
    """

    own: bool = False
    team: bool = False
    carer_scope: str | None = None
    roles: frozenset[Role] = frozenset()

    @property
    def person_scoped(self) -> bool:
        return self.own or self.team or self.carer_scope is not None


def _roles(*roles: Role) -> Holders:
    return Holders(roles=frozenset(roles))


_EVERYONE = _roles(*Role)
_OWN_AND_TEAM = Holders(own=True, team=True)

#: Every permission and who holds it: the whole access policy in one table.
RULES: Mapping[Permission, Holders] = {
    Permission.PUBLIC: _EVERYONE,
    Permission.AUTHENTICATED: _EVERYONE,
    # the record (foundation); the care team recommends technologies (registry, issue 6)
    Permission.PERSON_READ: Holders(own=True, team=True, carer_scope=_VIEW_RECORD),
    Permission.PERSON_CONTACTS_WRITE: Holders(team=True),
    Permission.PERSON_AUDIT_READ: Holders(own=True),
    Permission.PERSON_RECOMMEND_TECHNOLOGY: Holders(team=True),
    # measurement-based care (issue 3): the person reads and answers their own questionnaires; the
    # team reads, assigns and enters paper/phone/in-person answers; a carer reads with
    # "view_measures"; an administrator records instrument licences
    Permission.PERSON_MEASURES_READ: Holders(own=True, team=True, carer_scope=_VIEW_MEASURES),
    Permission.PERSON_MEASURES_RESPOND: Holders(own=True),
    Permission.PERSON_MEASURES_ASSIGN: Holders(team=True),
    Permission.PERSON_MEASURES_ENTER: Holders(team=True),
    Permission.INSTRUMENT_LICENCES_MANAGE: _roles(Role.ADMIN),
    # consent, choice, human contact and data rights (issue 5); the proxy-access consent item says
    # a carer "can see your record and make choices on this page"
    Permission.PERSON_CONSENT_MANAGE: Holders(own=True, carer_scope=_VIEW_RECORD),
    Permission.PERSON_CONSENT_RECORD_ON_BEHALF: Holders(team=True),
    Permission.PERSON_DATA_EXPORT: Holders(own=True),
    Permission.PERSON_ERASURE_REQUEST: Holders(own=True),
    Permission.PERSON_CORRECTION_REQUEST: Holders(own=True),
    Permission.PERSON_CARE_CHOICE: Holders(team=True),
    Permission.PERSON_DISCHARGE: Holders(team=True),
    # safety (issue 4): the person and their team read escalations, risk flags and the safety
    # plan, and make the plan together; only the person asks for help for themselves.
    # Escalations are handled by clinicians and service managers, checked per escalation (care
    # team, named owner, or the duty rota) by the safety service.
    Permission.PERSON_SAFETY_READ: _OWN_AND_TEAM,
    Permission.PERSON_SAFETY_PLAN_READ: _OWN_AND_TEAM,
    Permission.PERSON_SAFETY_PLAN_WRITE: _OWN_AND_TEAM,
    Permission.PERSON_CONTACT_REQUEST: Holders(own=True),
    Permission.PERSON_HELP_NOW: Holders(own=True),
    Permission.ESCALATIONS_HANDLE: _roles(Role.CLINICIAN, Role.SERVICE_MANAGER),
    Permission.ESCALATIONS_OVERSIGHT: _roles(Role.SERVICE_MANAGER),
    Permission.CASELOAD_READ: _roles(Role.CLINICIAN),
    Permission.SERVICE_DASHBOARD: _roles(Role.SERVICE_MANAGER),
    Permission.RESEARCH_DEIDENTIFIED: _roles(Role.RESEARCHER),
    # smartphone sensing (issue 7): always only with the person's explicit sensing consent, checked
    # by the sensing service; researchers export pseudonymised features of consenting people only
    Permission.PERSON_SENSING_READ: _OWN_AND_TEAM,
    Permission.PERSON_SENSING_ENROL: _OWN_AND_TEAM,
    Permission.RESEARCH_SENSING_EXPORT: _roles(Role.RESEARCHER),
    Permission.REGISTRY_EVALUATE: _roles(Role.TECHNOLOGY_EVALUATOR),
    # carers: the person sees, changes and ends who can act for them and invites new carers
    # (theirs alone: no carer scope and no care team can do that for them); their team sees the
    # list; a carer links themself with the person's one-time code, and can step away
    Permission.PERSON_CARERS_READ: _OWN_AND_TEAM,
    Permission.PERSON_CARERS_MANAGE: Holders(own=True),
    Permission.CARER_LINK: _roles(Role.CARER),
    Permission.PERSON_CARER_STEP_AWAY: Holders(carer_scope=ANY_CARER_SCOPE),
    Permission.USERS_MANAGE: _roles(Role.ADMIN),
    Permission.AUDIT_VERIFY: _roles(Role.ADMIN),
}
assert set(RULES) == set(Permission), "a permission has no rule: add it to RULES"

# Derived from RULES (read these; change RULES).
PERSON_SCOPED: frozenset[Permission] = frozenset(p for p, h in RULES.items() if h.person_scoped)
#: Which person-scoped permissions a person holds over their own record.
SELF_PERMISSIONS: frozenset[Permission] = frozenset(p for p, h in RULES.items() if h.own)
#: Which person-scoped permissions follow a care-team relationship.
TEAM_PERMISSIONS: frozenset[Permission] = frozenset(p for p, h in RULES.items() if h.team)
#: What a carer needs the person to have granted for each person-scoped permission.
CARER_SCOPES: Mapping[Permission, str] = {
    p: h.carer_scope for p, h in RULES.items() if h.carer_scope is not None
}


def _held_by(role: Role, holders: Holders) -> bool:
    return (
        role in holders.roles
        or (holders.own and role is Role.PERSON_IN_CARE)
        or (holders.team and role is Role.CLINICIAN)
        or (holders.carer_scope is not None and role is Role.CARER)
    )


#: What each kind of account may ever do (the relationship is checked on top, per person).
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    role: frozenset(p for p, h in RULES.items() if _held_by(role, h)) for role in Role
}
#: The scopes a person can give a carer: every scope some permission asks for.
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
