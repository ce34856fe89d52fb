"""Carers and proxy access through the service, on SQLite and PostgreSQL: invitations, linking,
changing what a carer sees and stopping it, each taking effect at once, and nobody but the person
managing their carers."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from withcare.clock import ControllableClock
from withcare.db.models import AuditEvent, ProxyGrant, ProxyInvitation, User
from withcare.domain.roles import Role
from withcare.security import invitation_codes
from withcare.security.authorisation import AccessDenied, Actor
from withcare.services.carers import BAD_CODE, MAX_WRONG_CODES, NO_SCOPES, TOO_MANY_TRIES
from withcare.services.errors import InvalidInput, NotFound
from withcare.services.pagination import PageRequest
from withcare.services.unit_of_work import actor_for
from withcare_testing.world import World


def actor(world: World, key: str) -> Actor:
    with world.platform.unit_of_work(None) as uow:
        user = uow.session.get(User, world[key].user_id)
        assert user is not None
        return actor_for(uow.session, user)


def new_carer(world: World, name: str = "Second Carer") -> Actor:
    """A carer account with no grants yet (the world's carer already has one)."""
    with world.platform.unit_of_work(None) as uow:
        created = world.platform.accounts.create_user(
            uow,
            email=f"{name.replace(' ', '.').lower()}@test.withcare.test",
            display_name=name,
            role=Role.CARER,
            password="correct horse battery",
        )
        user = uow.session.get(User, created.user_id)
        assert user is not None
        return actor_for(uow.session, user)


def audit_actions(world: World) -> list[tuple[str, str, dict[str, object]]]:
    with world.platform.unit_of_work(None) as uow:
        rows = uow.session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
        return [(r.action, r.subject_id, json.loads(r.details)) for r in rows]


def test_invite_link_read_narrow_and_stop(world: World) -> None:
    carers = world.platform.carers
    person = actor(world, "person")
    invitation = carers.invite(person, world.person_id, ["view_measures", "view_record"])
    assert invitation.scopes == ("view_record", "view_measures")
    raw = invitation.code.replace("-", "")
    assert len(raw) >= 10 and set(raw) <= set(invitation_codes.ALPHABET)
    assert invitation.expires_at == world.platform.clock.now() + timedelta(days=7)
    with world.platform.unit_of_work(None) as uow:  # only a keyed hash is kept
        row = uow.session.get(ProxyInvitation, invitation.invitation_id)
        assert row is not None and raw not in row.code_hash and invitation.code not in row.code_hash

    pending = carers.overview(person, world.person_id).invitations
    assert [p.invitation_id for p in pending] == [invitation.invitation_id]

    carer = new_carer(world)
    with pytest.raises(AccessDenied):
        world.platform.care.person_record(carer, world.person_id)
    # people may type it in lower case, with spaces
    linked = carers.link(carer, " " + invitation.code.lower().replace("-", " ") + " ")
    assert linked.person_id == world.person_id
    assert world.platform.care.person_record(carer, world.person_id).person_id == world.person_id
    world.platform.measures.overview(carer, world.person_id)  # view_measures

    view = carers.overview(person, world.person_id)
    assert view.invitations == [] and view.can_manage and view.proxy_access_allowed
    mine = next(c for c in view.carers if c.carer_user_id == carer.user_id)
    assert mine.carer_name == "Second Carer" and mine.scopes == ("view_record", "view_measures")

    # narrowing applies to the very next call, even with the actor built before the change
    carers.change_scopes(person, world.person_id, mine.grant_id, ["view_record"])
    with pytest.raises(AccessDenied):
        world.platform.measures.overview(carer, world.person_id)
    world.platform.care.person_record(carer, world.person_id)

    carers.stop(person, world.person_id, mine.grant_id)
    with pytest.raises(AccessDenied):
        world.platform.care.person_record(carer, world.person_id)
    assert actor(world, "carer").proxy_scopes  # the other carer is untouched
    with world.platform.unit_of_work(None) as uow:
        grant = uow.session.get(ProxyGrant, mine.grant_id)
        assert grant is not None and grant.revoked_at == world.platform.clock.now()
    with pytest.raises(NotFound):  # stopping twice: nothing to stop
        carers.stop(person, world.person_id, mine.grant_id)

    actions = audit_actions(world)
    names = [a for a, _, _ in actions]
    for expected in (
        "carer_invitation.create",
        "carer_invitation.use",
        "carer_access.grant",
        "carer_access.set",
        "carer_access.end",
        "carers.read",
    ):
        assert expected in names, expected
    text = json.dumps(actions)
    assert invitation.code not in text and raw not in text and "Second Carer" not in text
    assert "Testy" not in text


def test_a_code_works_once(world: World) -> None:
    code = world.platform.carers.invite(
        actor(world, "person"), world.person_id, ["view_record"]
    ).code
    first, second = new_carer(world, "First Carer"), new_carer(world, "Later Carer")
    world.platform.carers.link(first, code)
    with pytest.raises(InvalidInput) as refused:
        world.platform.carers.link(second, code)
    assert refused.value.message == BAD_CODE
    with pytest.raises(AccessDenied):
        world.platform.care.person_record(second, world.person_id)


def test_expired_and_cancelled_codes_get_the_same_answer(
    world: World, clock: ControllableClock
) -> None:
    person = actor(world, "person")
    expiring = world.platform.carers.invite(person, world.person_id, ["view_record"])
    cancelled = world.platform.carers.invite(person, world.person_id, ["view_record"])
    world.platform.carers.cancel_invitation(person, world.person_id, cancelled.invitation_id)
    with pytest.raises(NotFound):
        world.platform.carers.cancel_invitation(person, world.person_id, cancelled.invitation_id)
    carer = new_carer(world)
    with pytest.raises(InvalidInput) as answer_cancelled:
        world.platform.carers.link(carer, cancelled.code)
    clock.advance(timedelta(days=7))
    assert world.platform.carers.overview(person, world.person_id).invitations == []
    with pytest.raises(InvalidInput) as answer_expired:
        world.platform.carers.link(carer, expiring.code)
    with pytest.raises(InvalidInput) as answer_wrong:
        world.platform.carers.link(carer, "ABCD-EFGH-JKMN")
    messages = {e.value.message for e in (answer_cancelled, answer_expired, answer_wrong)}
    assert messages == {BAD_CODE}


def test_wrong_codes_are_limited_per_carer_per_hour(world: World, clock: ControllableClock) -> None:
    code = world.platform.carers.invite(
        actor(world, "person"), world.person_id, ["view_record"]
    ).code
    carer = new_carer(world)
    for attempt in range(MAX_WRONG_CODES):
        with pytest.raises(InvalidInput, match="does not work"):
            world.platform.carers.link(carer, f"not a code {attempt}")
    with pytest.raises(InvalidInput) as waiting:  # even the right code waits now
        world.platform.carers.link(carer, code)
    assert waiting.value.message == TOO_MANY_TRIES
    other = new_carer(world, "Another Carer")  # the limit is per carer
    with pytest.raises(InvalidInput, match="does not work"):
        world.platform.carers.link(other, "ABCD-EFGH-JKMN")
    clock.advance(timedelta(hours=1))
    assert world.platform.carers.link(carer, code).person_id == world.person_id
    refused = [a for a in audit_actions(world) if a[0] == "carer_link.refuse"]
    assert len(refused) == MAX_WRONG_CODES + 1
    assert all(subject in (carer.user_id, other.user_id) for _, subject, _ in refused)


def test_scopes_must_be_chosen_from_the_page(world: World) -> None:
    person = actor(world, "person")
    with pytest.raises(InvalidInput) as none:
        world.platform.carers.invite(person, world.person_id, [])
    assert none.value.problems == {"scopes": NO_SCOPES}
    with pytest.raises(InvalidInput):
        world.platform.carers.invite(person, world.person_id, ["view_record", "edit_everything"])
    grant_id = world.platform.carers.overview(person, world.person_id).carers[0].grant_id
    with pytest.raises(InvalidInput):
        world.platform.carers.change_scopes(person, world.person_id, grant_id, [])


@pytest.mark.parametrize("key", ["other_person", "clinician", "outsider", "carer", "manager"])
def test_only_the_person_manages_their_carers(world: World, key: str) -> None:
    who = actor(world, key)
    person = actor(world, "person")
    grant_id = world.platform.carers.overview(person, world.person_id).carers[0].grant_id
    pending = world.platform.carers.invite(person, world.person_id, ["view_record"])
    carers = world.platform.carers
    with pytest.raises(AccessDenied):
        carers.invite(who, world.person_id, ["view_record"])
    with pytest.raises(AccessDenied):
        carers.change_scopes(who, world.person_id, grant_id, ["view_record", "view_measures"])
    with pytest.raises(AccessDenied):
        carers.stop(who, world.person_id, grant_id)
    with pytest.raises(AccessDenied):
        carers.cancel_invitation(who, world.person_id, pending.invitation_id)
    if key != "clinician":  # the person's own care team may read the list
        with pytest.raises(AccessDenied):
            carers.overview(who, world.person_id)
    assert world.platform.care.person_record(actor(world, "carer"), world.person_id)


def test_a_person_cannot_touch_another_person_s_grant_through_their_own_page(
    world: World,
) -> None:
    grant_id = world.platform.carers.overview(actor(world, "person"), world.person_id).carers[0]
    other = actor(world, "other_person")
    with pytest.raises(NotFound):
        world.platform.carers.stop(other, world.other_person_id, grant_id.grant_id)


def test_clinician_reads_the_list_but_not_other_teams(world: World) -> None:
    view = world.platform.carers.overview(actor(world, "clinician"), world.person_id)
    assert [c.scopes for c in view.carers] == [("view_record",)] and not view.can_manage
    with pytest.raises(AccessDenied):
        world.platform.carers.overview(actor(world, "clinician"), world.other_person_id)


def test_only_carer_accounts_link(world: World) -> None:
    code = world.platform.carers.invite(
        actor(world, "person"), world.person_id, ["view_record"]
    ).code
    for key in ("other_person", "clinician", "outsider"):
        with pytest.raises(AccessDenied):
            world.platform.carers.link(actor(world, key), code)


def test_proxy_consent_still_applies_on_top_of_a_new_grant(world: World) -> None:
    person = actor(world, "person")
    world.platform.consent.decide(
        person, world.person_id, "direct_care", "proxy_access", "withdraw"
    )
    assert not world.platform.carers.overview(person, world.person_id).proxy_access_allowed
    code = world.platform.carers.invite(person, world.person_id, ["view_record"]).code
    carer = new_carer(world)
    world.platform.carers.link(carer, code)
    with pytest.raises(AccessDenied):
        world.platform.care.person_record(carer, world.person_id)
    assert world.platform.care.people_i_act_for(carer) == []
    with pytest.raises(AccessDenied):
        world.platform.care.access_history(carer, world.person_id, PageRequest())


def test_a_new_invitation_replaces_a_carer_s_old_scopes(world: World) -> None:
    person = actor(world, "person")
    carer = actor(world, "carer")
    code = world.platform.carers.invite(person, world.person_id, ["view_measures"]).code
    world.platform.carers.link(carer, code)
    view = world.platform.carers.overview(person, world.person_id)
    assert [c.scopes for c in view.carers] == [("view_measures",)]
    with pytest.raises(AccessDenied):
        world.platform.care.person_record(carer, world.person_id)


def test_erasure_stops_every_carer_and_cancels_waiting_codes(world: World) -> None:
    person = actor(world, "person")
    code = world.platform.carers.invite(person, world.person_id, ["view_record"]).code
    world.platform.privacy.erase(person, world.person_id, "ERASE")
    with pytest.raises(InvalidInput):
        world.platform.carers.link(new_carer(world), code)
    with pytest.raises(AccessDenied):
        world.platform.care.person_record(actor(world, "carer"), world.person_id)


def test_a_carer_steps_away_at_once_and_the_person_sees_it(world: World) -> None:
    carers, care = world.platform.carers, world.platform.care
    carer = actor(world, "carer")
    listed = care.people_i_act_for(carer)
    assert [(p.person_id, p.scopes) for p in listed] == [(world.person_id, ("view_record",))]
    care.person_record(carer, world.person_id)

    carers.step_away(carer, world.person_id)
    # the same signed-in carer is refused on their very next request
    with pytest.raises(AccessDenied):
        care.person_record(carer, world.person_id)
    assert care.people_i_act_for(carer) == []
    person = actor(world, "person")
    assert carers.overview(person, world.person_id).carers == []
    ended = [a for a in audit_actions(world) if a[0] == "carer_access.end"]
    assert [details for _, _, details in ended] == [
        {"carer_user_id": carer.user_id, "ended_by": "carer"}
    ]
    history = care.access_history(person, world.person_id, PageRequest()).items
    assert any(e.action == "carer_access.end" and e.who == "Carer" for e in history)


def test_stepping_away_again_or_from_a_stranger_gets_one_answer(world: World) -> None:
    carer = actor(world, "carer")
    assert world.platform.carers.acting_for(carer, world.person_id) == "Testy Synthetic"
    world.platform.carers.step_away(carer, world.person_id)
    for person_id in (world.person_id, world.other_person_id, "no-such-person"):
        with pytest.raises(AccessDenied, match="You do not have access to this record"):
            world.platform.carers.step_away(carer, person_id)
        with pytest.raises(AccessDenied, match="You do not have access to this record"):
            world.platform.carers.acting_for(carer, person_id)


def test_only_carers_step_away_and_only_from_their_own_grants(world: World) -> None:
    for key in ("person", "clinician", "admin"):  # nobody but the carer: not even the person
        with pytest.raises(AccessDenied):
            world.platform.carers.step_away(actor(world, key), world.person_id)
        with pytest.raises(AccessDenied):
            world.platform.carers.acting_for(actor(world, key), world.person_id)
    # another carer stepping away leaves the world's carer acting
    person = actor(world, "person")
    second = new_carer(world)
    world.platform.carers.link(
        second, world.platform.carers.invite(person, world.person_id, ["view_record"]).code
    )
    world.platform.carers.step_away(second, world.person_id)
    world.platform.care.person_record(actor(world, "carer"), world.person_id)


def test_a_carer_who_may_only_see_questionnaires_is_listed_with_only_that(world: World) -> None:
    person = actor(world, "person")
    carer = new_carer(world)
    world.platform.carers.link(
        carer, world.platform.carers.invite(person, world.person_id, ["view_measures"]).code
    )
    with world.platform.unit_of_work(None) as uow:  # as at their next request, after linking
        user = uow.session.get(User, carer.user_id)
        assert user is not None
        carer = actor_for(uow.session, user)
    listed = world.platform.care.people_i_act_for(carer)
    assert [(p.person_id, p.scopes) for p in listed] == [(world.person_id, ("view_measures",))]
    world.platform.measures.overview(carer, world.person_id)
    with pytest.raises(AccessDenied):
        world.platform.care.person_record(carer, world.person_id)


def test_the_person_sees_who_stopped_and_when_for_30_days(
    world: World, clock: ControllableClock
) -> None:
    carers = world.platform.carers
    person = actor(world, "person")
    carers.step_away(actor(world, "carer"), world.person_id)
    clock.advance(timedelta(hours=1))
    second = new_carer(world)
    carers.link(second, carers.invite(person, world.person_id, ["view_record"]).code)
    [grant] = carers.overview(person, world.person_id).carers
    carers.stop(person, world.person_id, grant.grant_id)
    ended = carers.overview(person, world.person_id).ended
    assert [(e.carer_name, e.ended_by) for e in ended] == [
        ("Second Carer", "person"),
        ("Carer", "carer"),
    ]
    # the care team sees the same list; a carer who acts again is not listed as ended
    clinician = actor(world, "clinician")
    assert carers.overview(clinician, world.person_id).ended == ended
    third = carers.invite(person, world.person_id, ["view_measures"]).code
    carers.link(second, third)
    assert [e.carer_name for e in carers.overview(person, world.person_id).ended] == ["Carer"]
    clock.advance(timedelta(days=31))
    assert carers.overview(person, world.person_id).ended == []


def test_a_new_invitation_replacing_a_grant_is_not_an_ending(world: World) -> None:
    person = actor(world, "person")
    carers = world.platform.carers
    second = new_carer(world)
    carers.link(second, carers.invite(person, world.person_id, ["view_record"]).code)
    carers.link(second, carers.invite(person, world.person_id, ["view_measures"]).code)
    assert carers.overview(person, world.person_id).ended == []
