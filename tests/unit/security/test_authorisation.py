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


def test_a_carer_with_any_scope_may_step_away_and_one_without_may_not() -> None:
    step_away = Permission.PERSON_CARER_STEP_AWAY
    measures_only = actor(Role.CARER, proxy_scopes={"alice": frozenset({"view_measures"})})
    assert can(measures_only, step_away, ALICE)
    assert not can(measures_only, Permission.PERSON_READ, ALICE)
    assert not can(actor(Role.CARER, proxy_scopes={"alice": frozenset()}), step_away, ALICE)
    assert not can(actor(Role.CARER), step_away, ALICE)
    # the person cannot "step away" from themselves, nor their clinician
    assert not can(actor(Role.PERSON_IN_CARE, person_id="alice"), step_away, ALICE)
    assert not can(actor(Role.CLINICIAN, team_ids=frozenset({"team-a"})), step_away, ALICE)


def test_the_derived_sets_follow_the_rules_table() -> None:
    from withcare.security.authorisation import (
        CARER_SCOPE_NAMES,
        ROLE_PERMISSIONS,
        RULES,
        SELF_PERMISSIONS,
        TEAM_PERMISSIONS,
    )

    for permission, holders in RULES.items():
        # a permission is either about one person (held through a relationship) or held by role
        assert not (holders.person_scoped and holders.roles), permission
        assert (permission in PERSON_SCOPED) == holders.person_scoped
        assert (permission in SELF_PERMISSIONS) == holders.own
        assert (permission in TEAM_PERMISSIONS) == holders.team
        assert (permission in ROLE_PERMISSIONS[Role.CARER]) == (
            holders.carer_scope is not None or Role.CARER in holders.roles
        )
    assert {"view_record", "view_measures"} == CARER_SCOPE_NAMES
