"""JSON API v1: the same services as the pages, described by OpenAPI.

Authentication is the session cookie; state-changing requests also send the CSRF token in the
``X-CSRF-Token`` header (``GET /api/v1/me`` returns it).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request

from withcare.security.authorisation import Actor, Permission
from withcare.services.dashboard import Count
from withcare.services.pagination import PageRequest
from withcare.web.guard import csrf_token, guard, platform_of
from withcare.web.routes.api.schemas import (
    AccessEntryOut,
    CaseloadItem,
    ContactIn,
    ContactOut,
    CountOut,
    EpisodeOut,
    MeOut,
    PageOut,
    PersonOut,
    ServiceOverviewOut,
    TeamFiguresOut,
    error_responses,
)

ERRORS = error_responses(not_found=None)
router = APIRouter(prefix="/api/v1", responses=ERRORS)

PageNumber = Annotated[int, Query(ge=1, le=100_000)]
PerPage = Annotated[int, Query(ge=1, le=100)]


class MeWithToken(MeOut):
    csrf_token: str


@router.get("/me", response_model=MeWithToken, tags=["accounts"])
async def me(
    request: Request, actor: Actor | None = guard(Permission.AUTHENTICATED)
) -> MeWithToken:
    assert actor is not None
    return MeWithToken(
        user_id=actor.user_id,
        role=actor.role.value,
        display_name=actor.display_name,
        person_id=actor.person_id,
        csrf_token=csrf_token(request),
    )


@router.get("/caseload", response_model=PageOut[CaseloadItem], tags=["care"])
async def caseload(
    request: Request,
    page: PageNumber = 1,
    per_page: PerPage = 25,
    actor: Actor | None = guard(Permission.CASELOAD_READ),
) -> PageOut[CaseloadItem]:
    result = platform_of(request).care.caseload(actor, PageRequest(page, per_page))
    return PageOut[CaseloadItem].of(result, [CaseloadItem(**asdict(row)) for row in result.items])


def _person_out(record: object) -> PersonOut:
    from withcare.services.care import PersonRecord

    assert isinstance(record, PersonRecord)
    return PersonOut(
        person_id=record.person_id,
        given_name=record.given_name,
        family_name=record.family_name,
        date_of_birth=record.date_of_birth,
        preferred_language=record.preferred_language,
        episodes=[EpisodeOut(**asdict(e)) for e in record.episodes],
        contacts=[ContactOut(**asdict(c), is_human=c.is_human) for c in record.contacts],
    )


@router.get("/people/{person_id}", response_model=PersonOut, tags=["care"])
async def person(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_READ)
) -> PersonOut:
    return _person_out(platform_of(request).care.person_record(actor, person_id))


@router.get("/people/{person_id}/contacts", response_model=list[ContactOut], tags=["care"])
async def contacts(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_READ)
) -> list[ContactOut]:
    return _person_out(platform_of(request).care.person_record(actor, person_id)).contacts


@router.post(
    "/people/{person_id}/contacts", response_model=ContactOut, status_code=201, tags=["care"]
)
async def record_contact(
    request: Request,
    person_id: str,
    body: ContactIn,
    actor: Actor | None = guard(Permission.PERSON_CONTACTS_WRITE),
) -> ContactOut:
    view = platform_of(request).care.record_contact(
        actor,
        person_id,
        occurred_at=body.occurred_at,
        mode=body.mode.value,
        duration_minutes=body.duration_minutes,
    )
    return ContactOut(**asdict(view), is_human=view.is_human)


@router.get(
    "/people/{person_id}/access-log", response_model=PageOut[AccessEntryOut], tags=["privacy"]
)
async def access_log(
    request: Request,
    person_id: str,
    page: PageNumber = 1,
    per_page: PerPage = 25,
    actor: Actor | None = guard(Permission.PERSON_AUDIT_READ),
) -> PageOut[AccessEntryOut]:
    result = platform_of(request).care.access_history(actor, person_id, PageRequest(page, per_page))
    return PageOut[AccessEntryOut].of(result, [AccessEntryOut(**asdict(e)) for e in result.items])


def _count(count: Count) -> CountOut:
    return CountOut(value=count.value, suppressed=count.suppressed)


@router.get("/service/overview", response_model=ServiceOverviewOut, tags=["service"])
async def service_overview(
    request: Request, actor: Actor | None = guard(Permission.SERVICE_DASHBOARD)
) -> ServiceOverviewOut:
    overview = platform_of(request).dashboard.overview(actor)
    return ServiceOverviewOut(
        teams=[
            TeamFiguresOut(
                team=t.team,
                open_episodes=_count(t.open_episodes),
                referrals_last_90_days=_count(t.referrals_last_90_days),
                self_referrals_last_90_days=_count(t.self_referrals_last_90_days),
            )
            for t in overview.teams
        ],
        contacts_last_30_days_by_mode={
            k: _count(v) for k, v in overview.contacts_last_30_days_by_mode.items()
        },
        human_share_last_30_days=overview.human_share_last_30_days,
    )
