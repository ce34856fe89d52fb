"""Carers and proxy access: "people who can act for me", invitation codes, and linking a carer."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from withcare.security.authorisation import Actor, Permission
from withcare.services.carers import SCOPES
from withcare.services.errors import InvalidInput
from withcare.web.forms import problems_from
from withcare.web.guard import guard, platform_of
from withcare.web.templating import render

router = APIRouter(include_in_schema=False)


async def _scopes(request: Request) -> list[str]:
    form = await request.form()
    return [str(s)[:40] for s in form.getlist("scopes") if isinstance(s, str)][: len(SCOPES) + 1]


def _carers_page(
    request: Request,
    actor: Actor | None,
    person_id: str,
    status: int = 200,
    problems: dict[str, str] | None = None,
    chosen: dict[str, list[str]] | None = None,
) -> Response:
    view = platform_of(request).carers.overview(actor, person_id)
    return render(
        request,
        "carers.html",
        status,
        view=view,
        person_id=person_id,
        scopes=SCOPES,
        problems=problems or {},
        chosen=chosen or {},
    )


@router.get("/people/{person_id}/carers")
async def carers(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_CARERS_READ)
) -> Response:
    return _carers_page(request, actor, person_id)


@router.post("/people/{person_id}/carers/invitations")
async def invite(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_CARERS_MANAGE)
) -> Response:
    chosen = await _scopes(request)
    try:
        invitation = platform_of(request).carers.invite(actor, person_id, chosen)
    except InvalidInput as error:
        problems = problems_from(error, rename={"scopes": "scopes-new"})
        return _carers_page(request, actor, person_id, 400, problems, {"new": chosen})
    # the code is shown on this response only (never stored, never in a link or a log)
    return render(request, "carers_invited.html", invitation=invitation, person_id=person_id)


@router.post("/people/{person_id}/carers/invitations/{invitation_id}/cancel")
async def cancel_invitation(
    request: Request,
    person_id: str,
    invitation_id: str,
    actor: Actor | None = guard(Permission.PERSON_CARERS_MANAGE),
) -> Response:
    platform_of(request).carers.cancel_invitation(actor, person_id, invitation_id)
    return RedirectResponse(f"/people/{person_id}/carers?cancelled=1", status_code=303)


@router.post("/people/{person_id}/carers/{grant_id}/scopes")
async def change_scopes(
    request: Request,
    person_id: str,
    grant_id: str,
    actor: Actor | None = guard(Permission.PERSON_CARERS_MANAGE),
) -> Response:
    chosen = await _scopes(request)
    try:
        platform_of(request).carers.change_scopes(actor, person_id, grant_id, chosen)
    except InvalidInput as error:
        problems = problems_from(error, rename={"scopes": f"scopes-{grant_id[:32]}"})
        return _carers_page(request, actor, person_id, 400, problems, {grant_id[:32]: chosen})
    return RedirectResponse(f"/people/{person_id}/carers?saved=1", status_code=303)


@router.post("/people/{person_id}/carers/{grant_id}/stop")
async def stop(
    request: Request,
    person_id: str,
    grant_id: str,
    actor: Actor | None = guard(Permission.PERSON_CARERS_MANAGE),
) -> Response:
    platform_of(request).carers.stop(actor, person_id, grant_id)
    return RedirectResponse(f"/people/{person_id}/carers?stopped=1", status_code=303)


# -- the carer's side -----------------------------------------------------------------------------
@router.get("/carer/link")
async def link_form(
    request: Request, actor: Actor | None = guard(Permission.CARER_LINK)
) -> Response:
    return render(request, "carers_link.html", problems={})


@router.post("/carer/link")
async def link(request: Request, actor: Actor | None = guard(Permission.CARER_LINK)) -> Response:
    form = await request.form()
    code = form.get("code")
    try:
        platform_of(request).carers.link(actor, code[:64] if isinstance(code, str) else "")
    except InvalidInput as error:
        return render(request, "carers_link.html", 400, problems=problems_from(error))
    return RedirectResponse("/?linked=1", status_code=303)


@router.get("/carer/people/{person_id}/stop")
async def step_away_form(
    request: Request,
    person_id: str,
    actor: Actor | None = guard(Permission.PERSON_CARER_STEP_AWAY),
) -> Response:
    """Ask before stopping: the carer cannot undo it without a new code from the person."""
    name = platform_of(request).carers.acting_for(actor, person_id)
    return render(request, "carers_step_away.html", person_id=person_id, name=name)


@router.post("/carer/people/{person_id}/stop")
async def step_away(
    request: Request,
    person_id: str,
    actor: Actor | None = guard(Permission.PERSON_CARER_STEP_AWAY),
) -> Response:
    platform_of(request).carers.step_away(actor, person_id)
    return RedirectResponse("/?stopped=1", status_code=303)
