"""Service-level figures for managers: counts only, with small numbers suppressed (P5, P6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from withcare.db.models import CareTeam, Contact, Episode
from withcare.domain.care.modes import ContactMode
from withcare.insights.disclosure import is_small
from withcare.security.authorisation import Actor, Permission, authorise

if TYPE_CHECKING:
    from withcare.services.human_contact import ServiceHumanContactFigures
    from withcare.services.platform import Platform

# One small-number rule for every population figure: ``withcare.insights.disclosure.is_small``.


@dataclass(frozen=True)
class Count:
    value: int | None  # None when suppressed

    @classmethod
    def of(cls, value: int) -> Count:
        return cls(None if is_small(value) else value)

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class TeamFigures:
    team: str
    open_episodes: Count
    referrals_last_90_days: Count
    self_referrals_last_90_days: Count


@dataclass(frozen=True)
class ServiceOverview:
    teams: list[TeamFigures]
    contacts_last_30_days_by_mode: dict[str, Count]
    human_share_last_30_days: float | None
    human_contact: ServiceHumanContactFigures | None = None  # P2 (issue 5)


class DashboardService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    def overview(self, actor: Actor | None) -> ServiceOverview:
        authorise(actor, Permission.SERVICE_DASHBOARD)
        with self._platform.unit_of_work(actor) as uow:
            today = uow.clock.now().date()
            since_referral = today - timedelta(days=90)
            teams = []
            for team in uow.session.execute(select(CareTeam).order_by(CareTeam.name)).scalars():

                def count(*conditions: object, team_id: str = team.id) -> int:
                    return int(
                        uow.session.execute(
                            select(func.count(Episode.id)).where(
                                Episode.team_id == team_id,
                                *conditions,  # type: ignore[arg-type]
                            )
                        ).scalar_one()
                    )

                teams.append(
                    TeamFigures(
                        team=team.name,
                        open_episodes=Count.of(count(Episode.end_date.is_(None))),
                        referrals_last_90_days=Count.of(
                            count(Episode.referral_date >= since_referral)
                        ),
                        self_referrals_last_90_days=Count.of(
                            count(
                                Episode.referral_date >= since_referral,
                                Episode.referral_source == "self",
                            )
                        ),
                    )
                )
            since = uow.clock.now() - timedelta(days=30)
            by_mode = dict(
                uow.session.execute(
                    select(Contact.mode, func.count(Contact.id))
                    .where(Contact.occurred_at >= since)
                    .group_by(Contact.mode)
                ).all()
            )
            total = sum(by_mode.values())
            human = sum(n for mode, n in by_mode.items() if ContactMode(mode).is_human)
            human_contact = self._platform.human_contact.service_figures(
                uow, actor.service_id if actor else None
            )
            return ServiceOverview(
                human_contact=human_contact,
                teams=teams,
                contacts_last_30_days_by_mode={
                    mode.value: Count.of(int(by_mode.get(mode.value, 0))) for mode in ContactMode
                },
                human_share_last_30_days=(human / total) if total else None,
            )
