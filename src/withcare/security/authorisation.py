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
    # not person-scoped
    CASELOAD_READ = "caseload.read"
    SERVICE_DASHBOARD = "service.dashboard"
    RESEARCH_DEIDENTIFIED = "research.deidentified"
    REGISTRY_EVALUATE = "registry.evaluate"
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
        return needed is not None and needed in actor.proxy_scopes.get(
            person.person_id, frozenset()
        )
    return False


def authorise(
    actor: Actor | None, permission: Permission, person: PersonContext | None = None
) -> None:
    """Return if allowed, otherwise raise :class:`AccessDenied` (or :class:`NotAuthenticated`)."""
    if actor is None and permission is not Permission.PUBLIC:
        raise NotAuthenticated()
    if not can(actor, permission, person):
        raise AccessDenied()
