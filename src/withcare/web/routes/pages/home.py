"""The home page for each role, "talk to a person", and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from withcare.domain.roles import Role
from withcare.security.authorisation import Actor, Permission
from withcare.services.pagination import PageRequest
from withcare.web.guard import guard, platform_of
from withcare.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
async def home(request: Request, actor: Actor | None = guard(Permission.PUBLIC)) -> Response:
    if actor is None:
        return render(request, "home_public.html")
    platform = platform_of(request)
    if actor.role is Role.CLINICIAN:
        caseload = platform.care.caseload(actor, PageRequest(1, 5))
        return render(request, "home_clinician.html", caseload=caseload)
    if actor.role is Role.PERSON_IN_CARE and actor.person_id:
        record = platform.care.person_record(actor, actor.person_id)
        return render(request, "home_person.html", record=record)
    if actor.role is Role.CARER:
        return render(request, "home_carer.html", people=platform.care.people_i_act_for(actor))
    if actor.role is Role.SERVICE_MANAGER:
        return render(request, "home_manager.html", overview=platform.dashboard.overview(actor))
    return render(request, f"home_{actor.role.value}.html")


@router.get("/talk-to-a-person")
async def talk_to_a_person(
    request: Request, _actor: Actor | None = guard(Permission.PUBLIC)
) -> Response:
    from withcare.web.routes.pages.safety import talk_context  # safety (issue 4)

    return render(request, "talk.html", **talk_context(request, _actor))


@router.get("/healthz")
async def healthz(request: Request, _actor: Actor | None = guard(Permission.PUBLIC)) -> Response:
    ok = platform_of(request).schema_is_current()
    return JSONResponse(
        {"status": "ok" if ok else "schema_outdated"}, status_code=200 if ok else 503
    )
