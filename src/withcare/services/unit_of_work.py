"""A unit of work: one transaction, the acting person, and the audit writer bound to both."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from withcare.clock import Clock
from withcare.config import Settings
from withcare.db.models import Episode, Person, ProxyGrant, TeamMembership, User
from withcare.domain.roles import Role
from withcare.security.authorisation import (
    AccessDenied,
    Actor,
    Permission,
    PersonContext,
    authorise,
)
from withcare.services.audit import AuditWriter


@dataclass
class UnitOfWork:
    session: Session
    audit: AuditWriter
    actor: Actor | None
    clock: Clock
    settings: Settings

    def user_names(self, user_ids: Iterable[str | None]) -> dict[str, str]:
        """Display names of just these users (not the whole users table), by id."""
        wanted = {uid for uid in user_ids if uid}
        if not wanted:
            return {}
        rows = self.session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
        return {str(uid): str(name) for uid, name in rows}

    def person_context(self, person_id: str) -> PersonContext:
        """The relationship facts for ``person_id``: the teams of all their episodes."""
        return self.person_contexts([person_id])[person_id]

    def person_contexts(self, person_ids: Iterable[str]) -> dict[str, PersonContext]:
        """:meth:`person_context` for many people in one statement (lists of many people)."""
        teams: dict[str, set[str]] = {person_id: set() for person_id in person_ids}
        if teams:
            found = self.session.execute(
                select(Episode.person_id, Episode.team_id).where(Episode.person_id.in_(teams))
            )
            for person_id, team_id in found:
                teams[person_id].add(team_id)
        return {p: PersonContext(person_id=p, team_ids=frozenset(t)) for p, t in teams.items()}

    def authorise_person(self, permission: Permission, person_id: str) -> PersonContext:
        """Authorise access to one person's data; unknown people are refused the same way as
        people the actor has no relationship with, so ids cannot be probed."""
        context = self.person_context(person_id)
        if self.session.get(Person, person_id) is None:
            authorise(self.actor, permission)  # still say "log in" to the anonymous
            raise AccessDenied("You do not have access to this record.")
        try:
            actor = self.actor
            carer = actor is not None and actor.role is Role.CARER
            if carer and actor is not None:
                # the grant as it stands now, not as it stood when the actor was built: a change
                # of scopes or a stopped access applies to the very next request
                live = {person_id: active_scopes(self.session, actor.user_id, person_id)}
                actor = replace(actor, proxy_scopes={**actor.proxy_scopes, **live})
            authorise(actor, permission, context)
            # a carer acts only while both the grant and the consent item allow (issue 5)
            if carer and not proxy_consented(self.session, person_id, self.clock.now()):
                raise AccessDenied()
        except AccessDenied as denied:
            if type(denied) is AccessDenied:
                raise AccessDenied("You do not have access to this record.") from None
            raise
        return context


def access_reason(actor: Actor | None, person_id: str) -> str:
    """The audit reason for ``actor`` touching ``person_id``'s record: their own, as a carer, or
    for direct care (every other relationship that authorisation allows is care-team work)."""
    if actor is not None and actor.person_id == person_id:
        return "self_access"
    if actor is not None and actor.role is Role.CARER:
        return "proxy_access"
    return "direct_care"


def active_scopes(session: Session, carer_user_id: str, person_id: str) -> frozenset[str]:
    """The scopes a carer holds now for a person, from every grant not stopped."""
    rows = session.execute(
        select(ProxyGrant.scopes).where(
            ProxyGrant.carer_user_id == carer_user_id,
            ProxyGrant.person_id == person_id,
            ProxyGrant.revoked_at.is_(None),
        )
    ).scalars()
    return frozenset(scope for scopes in rows for scope in scopes.split())


def proxy_consented(session: Session, person_id: str, at: datetime) -> bool:
    """Whether the person allows proxy access (``direct_care x proxy_access``) at ``at``."""
    from withcare.db.models import ConsentDecisionRow
    from withcare.domain.consent import PROXY_ACCESS, Action, ConsentDecision, ConsentHistory, check
    from withcare.domain.consent import Actor as DecidedBy

    rows = session.execute(
        select(ConsentDecisionRow)
        .where(
            ConsentDecisionRow.person_id == person_id,
            ConsentDecisionRow.purpose == PROXY_ACCESS.purpose.value,
            ConsentDecisionRow.stream == PROXY_ACCESS.stream.value,
        )
        .order_by(ConsentDecisionRow.at, ConsentDecisionRow.id)
    ).scalars()
    history = ConsentHistory(
        tuple(
            ConsentDecision(
                PROXY_ACCESS,
                Action(r.action),
                r.at,
                r.document_version,
                DecidedBy(r.decided_by),
                r.recorded_by,
            )
            for r in rows
        )
    )
    if history.decisions and history.decisions[-1].at > at:
        at = history.decisions[-1].at  # a decision recorded in this instant already applies
    return check(history, PROXY_ACCESS.purpose, PROXY_ACCESS.stream, at).allowed


def actor_for(session: Session, user: User) -> Actor:
    """Build the actor for a user with the relationships that can grant access (care teams, and
    for a carer the grants they hold)."""
    role = Role(user.role)
    team_ids: frozenset[str] = frozenset()
    if role is Role.CLINICIAN:
        team_ids = frozenset(
            session.execute(
                select(TeamMembership.team_id).where(TeamMembership.user_id == user.id)
            ).scalars()
        )
    proxy: dict[str, frozenset[str]] = {}
    if role is Role.CARER:
        grants = session.execute(
            select(ProxyGrant).where(
                ProxyGrant.carer_user_id == user.id, ProxyGrant.revoked_at.is_(None)
            )
        ).scalars()
        for grant in grants:
            proxy[grant.person_id] = proxy.get(grant.person_id, frozenset()) | frozenset(
                grant.scopes.split()
            )
        # The grants as they stood when the actor was built: which people the carer may be asked
        # about. Whether a grant still holds, and whether the person allows proxy access as a
        # consent item (issue 5), is decided live in ``UnitOfWork.authorise_person``, the one place
        # carers are authorised, so it is not worked out here for every person on every request.
    return Actor(
        user_id=user.id,
        role=role,
        display_name=user.display_name,
        team_ids=team_ids,
        person_id=user.person_id,
        proxy_scopes=proxy,
        service_id=user.service_id,
    )
