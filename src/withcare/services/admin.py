"""Administration: accounts and teams. Admins manage access; they do not read clinical records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from withcare.db.models import CareTeam, TeamMembership, User
from withcare.domain.roles import Role
from withcare.security.authorisation import Actor, Permission, authorise
from withcare.services.accounts import NewUser
from withcare.services.errors import N_, InvalidInput
from withcare.services.pagination import Page, PageRequest

if TYPE_CHECKING:
    from withcare.services.platform import Platform


@dataclass(frozen=True)
class UserRow:
    id: str
    email: str
    display_name: str
    role: str
    second_factor: bool
    locked: bool
    last_login_at: datetime | None


@dataclass(frozen=True)
class TeamRow:
    id: str
    name: str


class AdminService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    def list_users(self, actor: Actor | None, request: PageRequest) -> Page[UserRow]:
        authorise(actor, Permission.USERS_MANAGE)
        with self._platform.unit_of_work(actor) as uow:
            now = uow.clock.now()
            total = uow.session.execute(select(func.count(User.id))).scalar_one()
            users = uow.session.execute(
                select(User)
                .order_by(User.role, User.email)
                .offset(request.offset)
                .limit(request.per_page)
            ).scalars()
            items = [
                UserRow(
                    u.id,
                    u.email,
                    u.display_name,
                    u.role,
                    u.totp_secret is not None,
                    u.locked_until is not None and u.locked_until > now,
                    u.last_login_at,
                )
                for u in users
            ]
            return Page(items, request.page, request.per_page, total)

    def teams(self, actor: Actor | None) -> list[TeamRow]:
        authorise(actor, Permission.USERS_MANAGE)
        with self._platform.unit_of_work(actor) as uow:
            return [
                TeamRow(t.id, t.name)
                for t in uow.session.execute(select(CareTeam).order_by(CareTeam.name)).scalars()
            ]

    def create_staff(
        self,
        actor: Actor | None,
        *,
        email: str,
        display_name: str,
        role: str,
        password: str,
        team_id: str | None = None,
    ) -> NewUser:
        """Create a staff or carer account (people in care arrive through referral instead)."""
        authorise(actor, Permission.USERS_MANAGE)
        try:
            parsed_role = Role(role)
        except ValueError:
            raise InvalidInput(
                N_("Choose a role."), {"role": N_("Choose one of the roles in the list.")}
            ) from None
        if parsed_role is Role.PERSON_IN_CARE:
            raise InvalidInput(
                N_("People in care get their account through a referral, not here."),
                {"role": N_("Choose a staff role or carer.")},
            )
        with self._platform.unit_of_work(actor) as uow:
            if team_id:
                if parsed_role is not Role.CLINICIAN:
                    raise InvalidInput(
                        N_("Only clinicians join care teams."),
                        {"team_id": N_("Leave the team empty.")},
                    )
                if uow.session.get(CareTeam, team_id) is None:
                    raise InvalidInput(
                        N_("Choose a team."), {"team_id": N_("That team does not exist.")}
                    )
            new = self._platform.accounts.create_user(
                uow,
                email=email,
                display_name=display_name,
                role=parsed_role,
                password=password,
                service_id=actor.service_id if actor else None,
            )
            if team_id:
                uow.session.add(TeamMembership(user_id=new.user_id, team_id=team_id))
            return new
