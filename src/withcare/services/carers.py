"""Carers and proxy access: who can act for a person, what they see, and linking a new carer.

The person (and only the person) decides: they see each carer with what that carer can see,
narrow or widen it, stop a carer's access at once, and invite a new carer with a one-time code
they hand over however they like (no e-mail addresses are looked up, so nobody can find out who
has an account). Their care team sees the list but cannot change it. A carer account links itself
by entering the code; wrong, used, cancelled and expired codes get one answer that does not say
which, and a carer who gets it wrong too often is made to wait.

The person's proxy-access consent item still applies on top of every grant
(:func:`withcare.services.unit_of_work.proxy_consented`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from sqlalchemy import func, select, update

from withcare.db.models import AuditEvent, Person, ProxyGrant, ProxyInvitation
from withcare.security import invitation_codes
from withcare.security.authorisation import (
    CARER_SCOPE_NAMES,
    Actor,
    Permission,
    authorise,
)
from withcare.services.errors import N_, InvalidInput, NotFound
from withcare.services.unit_of_work import UnitOfWork, access_reason, proxy_consented

if TYPE_CHECKING:
    from withcare.services.platform import Platform


# The scopes a person can give, in the order pages show them.
SCOPES: tuple[str, ...] = ("view_record", "view_measures")
assert frozenset(SCOPES) == CARER_SCOPE_NAMES, "a carer scope is missing from the carers page"

INVITATION_LIFETIME = timedelta(days=7)
MAX_WRONG_CODES = 5
WRONG_CODE_WINDOW = timedelta(hours=1)
MAX_PENDING_INVITATIONS = 10
ENDED_SHOWN_FOR = timedelta(days=30)  # how long a person's page lists access that ended

REFUSED_CODE = "carer_link.refuse"  # audit action of a code that did not work (counts to a limit)

NO_SCOPES = N_("Choose at least one thing your carer can see.")
UNKNOWN_SCOPE = N_("That choice is not one this page offers.")
NO_CODE = N_("Enter the code the person gave you.")
BAD_CODE = N_(
    "That code does not work. Check it with the person who gave it to you: codes work once and "
    "only for 7 days, and they can make a new one."
)
TOO_MANY_TRIES = N_(
    "Too many codes did not work. Wait an hour, then try again with the code the person gave you."
)
TOO_MANY_PENDING = N_(
    "You already have 10 invitations waiting. Cancel one you no longer need before making another."
)
NO_SUCH_CARER = N_("That carer cannot act for you any more, so there is nothing to change.")
NO_SUCH_INVITATION = N_("That invitation has already been used, cancelled or has expired.")


@dataclass(frozen=True)
class CarerAccess:
    grant_id: str
    carer_user_id: str
    carer_name: str
    scopes: tuple[str, ...]
    granted_at: datetime


@dataclass(frozen=True)
class PendingInvitation:
    invitation_id: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime


EndedBy = Literal["person", "carer"]


@dataclass(frozen=True)
class EndedAccess:
    """A carer's access that ended lately, and who ended it: "person" or "carer" (stepped away)."""

    carer_name: str
    ended_at: datetime
    ended_by: EndedBy


@dataclass(frozen=True)
class CarersView:
    person_id: str
    carers: list[CarerAccess]
    invitations: list[PendingInvitation]
    ended: list[EndedAccess]  # in the last ENDED_SHOWN_FOR, newest first, one per carer
    proxy_access_allowed: bool  # the consent item; without it carers see nothing at all
    can_manage: bool  # the person themselves (their care team only sees the list)


@dataclass(frozen=True)
class NewInvitation:
    invitation_id: str
    code: str  # shown once; only its keyed hash is stored
    scopes: tuple[str, ...]
    expires_at: datetime


@dataclass(frozen=True)
class Linked:
    person_id: str
    grant_id: str
    scopes: tuple[str, ...]


def clean_scopes(chosen: Iterable[str]) -> tuple[str, ...]:
    """The chosen scopes in page order; at least one, and only ones the page offers."""
    wanted = {str(s).strip() for s in chosen if str(s).strip()}
    if wanted - set(SCOPES):
        raise InvalidInput(UNKNOWN_SCOPE, {"scopes": UNKNOWN_SCOPE})
    if not wanted:
        raise InvalidInput(NO_SCOPES, {"scopes": NO_SCOPES})
    return tuple(s for s in SCOPES if s in wanted)


def _ordered(scopes: str) -> tuple[str, ...]:
    held = set(scopes.split())
    return tuple(s for s in SCOPES if s in held)


class CarerService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    # -- the person's list (their care team reads it too) ----------------------------------------
    def overview(self, actor: Actor | None, person_id: str) -> CarersView:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_CARERS_READ, person_id)
            now = uow.clock.now()
            grants = list(
                uow.session.execute(
                    select(ProxyGrant)
                    .where(ProxyGrant.person_id == person_id, ProxyGrant.revoked_at.is_(None))
                    .order_by(ProxyGrant.granted_at, ProxyGrant.id)
                ).scalars()
            )
            ended = _ended_lately(uow, person_id, {g.carer_user_id for g in grants}, now)
            names = uow.user_names(
                [*(g.carer_user_id for g in grants), *(g.carer_user_id for g in ended)]
            )
            ended_by = _who_ended(uow, ended)
            invitations = uow.session.execute(
                select(ProxyInvitation)
                .where(
                    ProxyInvitation.person_id == person_id,
                    ProxyInvitation.used_at.is_(None),
                    ProxyInvitation.cancelled_at.is_(None),
                    ProxyInvitation.expires_at > now,
                )
                .order_by(ProxyInvitation.created_at, ProxyInvitation.id)
            ).scalars()
            view = CarersView(
                person_id=person_id,
                carers=[
                    CarerAccess(
                        grant_id=g.id,
                        carer_user_id=g.carer_user_id,
                        carer_name=names.get(g.carer_user_id, ""),
                        scopes=_ordered(g.scopes),
                        granted_at=g.granted_at,
                    )
                    for g in grants
                ],
                invitations=[
                    PendingInvitation(i.id, _ordered(i.scopes), i.created_at, i.expires_at)
                    for i in invitations
                ],
                ended=[
                    EndedAccess(
                        names.get(g.carer_user_id, ""),
                        g.revoked_at,
                        ended_by.get(g.id, "person"),
                    )
                    for g in ended
                    if g.revoked_at is not None
                ],
                proxy_access_allowed=proxy_consented(uow.session, person_id, now),
                can_manage=actor is not None and actor.person_id == person_id,
            )
            uow.audit.record(
                actor,
                "carers.read",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason=access_reason(actor, person_id),
                details={"carers": len(view.carers), "invitations": len(view.invitations)},
            )
            return view

    # -- changing and stopping a carer's access --------------------------------------------------
    def change_scopes(
        self, actor: Actor | None, person_id: str, grant_id: str, scopes: Iterable[str]
    ) -> tuple[str, ...]:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_CARERS_MANAGE, person_id)
            chosen = clean_scopes(scopes)
            grant = self._active_grant(uow, person_id, grant_id)
            before = grant.scopes
            grant.scopes = " ".join(chosen)
            uow.audit.record(
                actor,
                "carer_access.set",
                subject_type="proxy_grant",
                subject_id=grant.id,
                person_id=person_id,
                reason="self_access",
                details={
                    "carer_user_id": grant.carer_user_id,
                    "before": before,
                    "scopes": grant.scopes,
                },
            )
            return chosen

    def stop(self, actor: Actor | None, person_id: str, grant_id: str) -> None:
        """End a carer's access now: their next request is refused."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_CARERS_MANAGE, person_id)
            _end(uow, actor, self._active_grant(uow, person_id, grant_id), "person")

    def _active_grant(self, uow: UnitOfWork, person_id: str, grant_id: str) -> ProxyGrant:
        grant = uow.session.get(ProxyGrant, grant_id[:32])
        if grant is None or grant.person_id != person_id or grant.revoked_at is not None:
            raise NotFound(NO_SUCH_CARER)
        return grant

    # -- invitations -----------------------------------------------------------------------------
    def invite(self, actor: Actor | None, person_id: str, scopes: Iterable[str]) -> NewInvitation:
        """A one-time code for a new carer; the code is returned here and never again."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_CARERS_MANAGE, person_id)
            chosen = clean_scopes(scopes)
            now = uow.clock.now()
            pending = uow.session.execute(
                select(func.count())
                .select_from(ProxyInvitation)
                .where(
                    ProxyInvitation.person_id == person_id,
                    ProxyInvitation.used_at.is_(None),
                    ProxyInvitation.cancelled_at.is_(None),
                    ProxyInvitation.expires_at > now,
                )
            ).scalar_one()
            if pending >= MAX_PENDING_INVITATIONS:
                raise InvalidInput(TOO_MANY_PENDING)
            code = invitation_codes.new_code()
            normalised = invitation_codes.normalise(code)
            assert normalised is not None
            invitation = ProxyInvitation(
                person_id=person_id,
                code_hash=invitation_codes.code_hash(uow.settings.secret_key, normalised),
                scopes=" ".join(chosen),
                created_at=now,
                expires_at=now + INVITATION_LIFETIME,
            )
            uow.session.add(invitation)
            uow.session.flush()
            uow.audit.record(
                actor,
                "carer_invitation.create",
                subject_type="proxy_invitation",
                subject_id=invitation.id,
                person_id=person_id,
                reason="self_access",
                details={"scopes": invitation.scopes},
            )
            return NewInvitation(invitation.id, code, chosen, invitation.expires_at)

    def cancel_invitation(self, actor: Actor | None, person_id: str, invitation_id: str) -> None:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_CARERS_MANAGE, person_id)
            invitation = uow.session.get(ProxyInvitation, invitation_id[:32])
            if (
                invitation is None
                or invitation.person_id != person_id
                or invitation.used_at is not None
                or invitation.cancelled_at is not None
                or invitation.expires_at <= uow.clock.now()
            ):
                raise NotFound(NO_SUCH_INVITATION)
            invitation.cancelled_at = uow.clock.now()
            uow.audit.record(
                actor,
                "carer_invitation.cancel",
                subject_type="proxy_invitation",
                subject_id=invitation.id,
                person_id=person_id,
                reason="self_access",
            )

    # -- the carer's side -------------------------------------------------------------------------
    def link(self, actor: Actor | None, typed_code: str) -> Linked:
        """A carer enters a person's code: the grant is made, and the code is used up.

        A code that does not work (wrong, used, cancelled or expired: one answer for all) is
        written to the audit log and counts towards ``MAX_WRONG_CODES`` an hour; after that even
        a right code waits, so codes cannot be guessed by trying.
        """
        authorise(actor, Permission.CARER_LINK)
        assert actor is not None
        typed = typed_code.strip()[:64]
        if not typed:
            raise InvalidInput(NO_CODE, {"code": NO_CODE})
        linked: Linked | None = None
        with self._platform.unit_of_work(actor) as uow:
            if self.wrong_codes(uow, actor.user_id) >= MAX_WRONG_CODES:
                raise InvalidInput(TOO_MANY_TRIES, {"code": TOO_MANY_TRIES})
            code = invitation_codes.normalise(typed)
            invitation = None
            if code is not None:
                invitation = uow.session.execute(
                    select(ProxyInvitation).where(
                        ProxyInvitation.code_hash
                        == invitation_codes.code_hash(uow.settings.secret_key, code)
                    )
                ).scalar_one_or_none()
            # one use only, even when two carers send the same code at once: the claim is one
            # conditional UPDATE and only the request whose UPDATE changed the row goes on
            claimed = invitation is not None and _claim(uow, invitation.id, actor.user_id)
            if invitation is None or not claimed:
                uow.audit.record(
                    actor,
                    REFUSED_CODE,
                    subject_type="user",
                    subject_id=actor.user_id,
                    reason="proxy_access",
                )
            else:
                linked = self._grant(uow, actor, invitation)
        if linked is None:  # the refusal is committed above, so it counts towards the limit
            raise InvalidInput(BAD_CODE, {"code": BAD_CODE})
        return linked

    def _grant(self, uow: UnitOfWork, actor: Actor, invitation: ProxyInvitation) -> Linked:
        """The person's latest choice of scopes governs: an existing grant to this carer is
        replaced by the one the new invitation describes."""
        now = uow.clock.now()
        person_id = invitation.person_id
        for old in _active_grants(uow, person_id, actor.user_id):
            old.revoked_at = now
        grant = ProxyGrant(
            person_id=person_id,
            carer_user_id=actor.user_id,
            scopes=invitation.scopes,
            granted_at=now,
        )
        uow.session.add(grant)
        uow.session.flush()
        uow.audit.record(
            actor,
            "carer_invitation.use",
            subject_type="proxy_invitation",
            subject_id=invitation.id,
            person_id=person_id,
            reason="proxy_access",
            details={"grant_id": grant.id},
        )
        uow.audit.record(
            actor,
            "carer_access.grant",
            subject_type="proxy_grant",
            subject_id=grant.id,
            person_id=person_id,
            reason="proxy_access",
            details={"carer_user_id": actor.user_id, "scopes": grant.scopes},
        )
        return Linked(person_id, grant.id, _ordered(grant.scopes))

    def acting_for(self, actor: Actor | None, person_id: str) -> str:
        """The name of a person this carer acts for (to ask before they step away)."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_CARER_STEP_AWAY, person_id)
            person = uow.session.get(Person, person_id)
            assert person is not None  # authorise_person refuses unknown people
            return person.full_name

    def step_away(self, actor: Actor | None, person_id: str) -> None:
        """A carer stops acting for a person, at once. Caring roles end for many reasons, and a
        carer should not have to ask the person (or their team) to take their access away; to act
        again they need a new code from the person. The person's list and audit log show it."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_CARER_STEP_AWAY, person_id)
            assert actor is not None
            for grant in _active_grants(uow, person_id, actor.user_id):
                _end(uow, actor, grant, "carer")

    def wrong_codes(self, uow: UnitOfWork, user_id: str) -> int:
        """Codes this account sent that did not work, in the last ``WRONG_CODE_WINDOW``."""
        since = uow.clock.now() - WRONG_CODE_WINDOW
        return int(
            uow.session.execute(
                select(func.count())
                .select_from(AuditEvent)
                .where(
                    AuditEvent.action == REFUSED_CODE,
                    AuditEvent.actor_id == user_id,
                    AuditEvent.at > since,
                )
            ).scalar_one()
        )


def _ended_lately(
    uow: UnitOfWork, person_id: str, still_acting: set[str], now: datetime
) -> list[ProxyGrant]:
    """Grants that ended in the last ``ENDED_SHOWN_FOR``: the latest per carer, and none for a
    carer who acts again (a new invitation replaces a carer's grant; that is not an ending)."""
    found = uow.session.execute(
        select(ProxyGrant)
        .where(ProxyGrant.person_id == person_id, ProxyGrant.revoked_at >= now - ENDED_SHOWN_FOR)
        .order_by(ProxyGrant.revoked_at.desc(), ProxyGrant.id)
    ).scalars()
    shown: list[ProxyGrant] = []
    seen = set(still_acting)
    for grant in found:
        if grant.carer_user_id not in seen:
            seen.add(grant.carer_user_id)
            shown.append(grant)
    return shown


def _who_ended(uow: UnitOfWork, grants: list[ProxyGrant]) -> dict[str, EndedBy]:
    """``{grant id: "carer"}`` for the grants their carer ended (the audit log says who acted)."""
    if not grants:
        return {}
    carer_of = {g.id: g.carer_user_id for g in grants}
    rows = uow.session.execute(
        select(AuditEvent.subject_id, AuditEvent.actor_id).where(
            AuditEvent.action == "carer_access.end", AuditEvent.subject_id.in_(carer_of)
        )
    )
    return {grant_id: "carer" for grant_id, actor_id in rows if carer_of[grant_id] == actor_id}


def _active_grants(uow: UnitOfWork, person_id: str, carer_user_id: str) -> list[ProxyGrant]:
    return list(
        uow.session.execute(
            select(ProxyGrant).where(
                ProxyGrant.person_id == person_id,
                ProxyGrant.carer_user_id == carer_user_id,
                ProxyGrant.revoked_at.is_(None),
            )
        ).scalars()
    )


def _end(uow: UnitOfWork, actor: Actor | None, grant: ProxyGrant, ended_by: EndedBy) -> None:
    """End a grant now, audited with who ended it (the person, or the carer stepping away)."""
    grant.revoked_at = uow.clock.now()
    uow.audit.record(
        actor,
        "carer_access.end",
        subject_type="proxy_grant",
        subject_id=grant.id,
        person_id=grant.person_id,
        reason="self_access" if ended_by == "person" else "proxy_access",
        details={"carer_user_id": grant.carer_user_id, "ended_by": ended_by},
    )


def _claim(uow: UnitOfWork, invitation_id: str, user_id: str) -> bool:
    """Mark an invitation used if it still can be, with one conditional UPDATE (row count 1)."""
    now = uow.clock.now()
    result = uow.session.execute(
        update(ProxyInvitation)
        .where(
            ProxyInvitation.id == invitation_id,
            ProxyInvitation.used_at.is_(None),
            ProxyInvitation.cancelled_at.is_(None),
            ProxyInvitation.expires_at > now,
        )
        .values(used_at=now, used_by_user_id=user_id)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)
