"""Role x relationship: the table of who may touch whose record."""

from __future__ import annotations

import pytest

from withcare.domain.roles import Role
from withcare.security.authorisation import (
    PERSON_SCOPED,
    AccessDenied,
    Actor,
    NotAuthenticated,
    Permission,
    PersonContext,
    authorise,
    can,
)

ALICE = PersonContext("alice", frozenset({"team-a"}))


def actor(role: Role, **kw: object) -> Actor:
    return Actor(user_id="u", role=role, **kw)  # type: ignore[arg-type]


def test_clinician_reaches_only_people_of_their_teams() -> None:
    assert can(actor(Role.CLINICIAN, team_ids=frozenset({"team-a"})), Permission.PERSON_READ, ALICE)
    assert not can(
        actor(Role.CLINICIAN, team_ids=frozenset({"team-b"})), Permission.PERSON_READ, ALICE
    )
    assert not can(actor(Role.CLINICIAN), Permission.PERSON_READ, ALICE)


def test_person_reaches_only_their_own_record_and_cannot_write_contacts() -> None:
    me = actor(Role.PERSON_IN_CARE, person_id="alice")
    assert can(me, Permission.PERSON_READ, ALICE)
    assert can(me, Permission.PERSON_AUDIT_READ, ALICE)
    assert not can(me, Permission.PERSON_CONTACTS_WRITE, ALICE)
    assert not can(actor(Role.PERSON_IN_CARE, person_id="bob"), Permission.PERSON_READ, ALICE)


def test_carer_needs_the_scope_the_person_granted() -> None:
    allowed = actor(Role.CARER, proxy_scopes={"alice": frozenset({"view_record"})})
    assert can(allowed, Permission.PERSON_READ, ALICE)
    assert not can(allowed, Permission.PERSON_AUDIT_READ, ALICE)
    assert not can(
        actor(Role.CARER, proxy_scopes={"alice": frozenset()}), Permission.PERSON_READ, ALICE
    )
    assert not can(actor(Role.CARER), Permission.PERSON_READ, ALICE)


@pytest.mark.parametrize(
    "role", [Role.RESEARCHER, Role.SERVICE_MANAGER, Role.ADMIN, Role.TECHNOLOGY_EVALUATOR]
)
@pytest.mark.parametrize("permission", sorted(PERSON_SCOPED))
def test_roles_without_a_care_relationship_never_reach_a_person(
    role: Role, permission: Permission
) -> None:
    everything = actor(
        role,
        team_ids=frozenset({"team-a"}),
        person_id="alice",
        proxy_scopes={"alice": frozenset({"view_record"})},
    )
    assert not can(everything, permission, ALICE)
    with pytest.raises(AccessDenied):
        authorise(everything, permission, ALICE)


def test_anonymous_is_asked_to_log_in_except_for_public() -> None:
    authorise(None, Permission.PUBLIC)
    with pytest.raises(NotAuthenticated):
        authorise(None, Permission.AUTHENTICATED)


def test_every_permission_is_held_by_some_role_or_is_public() -> None:
    from withcare.security.authorisation import ROLE_PERMISSIONS

    held = set().union(*ROLE_PERMISSIONS.values())
    assert set(Permission) <= held
