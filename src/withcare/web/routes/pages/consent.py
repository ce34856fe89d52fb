"""The consent page, care choices, human contact, discharge, and the manager's choice report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from withcare.domain.care.choice import SUITABLE_ALTERNATIVES, DigitalPart
from withcare.domain.care.modes import CareModePreference, DischargeReason
from withcare.security.authorisation import Actor, Permission
from withcare.services.errors import InvalidInput
from withcare.web import i18n
from withcare.web.forms import message_of, problems_from, problems_of
from withcare.web.guard import guard, platform_of
from withcare.web.templating import render

router = APIRouter(include_in_schema=False)
_ = i18n.gettext

Short = Annotated[str, Form(max_length=40)]


def _consent_page(
    request: Request, actor: Actor | None, person_id: str, status: int = 200, error: str = ""
) -> Response:
    page = platform_of(request).consent.page(actor, person_id, i18n.current_language())
    return render(
        request,
        "consent_page.html",
        status,
        page=page,
        person_id=person_id,
        error=error,
        on_behalf=actor is not None and actor.role.value == "clinician",
        proxy=actor is not None and actor.role.value == "carer",
    )


@router.get("/people/{person_id}/consent")
async def consent(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_READ)
) -> Response:
    return _consent_page(request, actor, person_id)


@router.post("/people/{person_id}/consent")
async def decide(
    request: Request,
    person_id: str,
    purpose: Short = "",
    stream: Short = "",
    action: Short = "",
    actor: Actor | None = guard(Permission.PERSON_READ),
) -> Response:
    try:
        platform_of(request).consent.decide(actor, person_id, purpose, stream, action)
    except InvalidInput as error:
        return _consent_page(request, actor, person_id, 400, message_of(error))
    return RedirectResponse(f"/people/{person_id}/consent?saved=1", status_code=303)


# -- care choices and human contact -----------------------------------------------------------------
def _choices_page(
    request: Request,
    actor: Actor | None,
    person_id: str,
    status: int = 200,
    problems: dict[str, str] | None = None,
) -> Response:
    platform = platform_of(request)
    return render(
        request,
        "consent_choices.html",
        status,
        person_id=person_id,
        view=platform.choice.view(actor, person_id),
        contact=platform.human_contact.person(actor, person_id),
        modes=list(CareModePreference),
        parts=list(DigitalPart),
        alternatives=SUITABLE_ALTERNATIVES,
        problems=problems or {},
        clinician=actor is not None and actor.role.value == "clinician",
    )


@router.get("/people/{person_id}/care-choices")
async def choices(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_READ)
) -> Response:
    return _choices_page(request, actor, person_id)


async def _choice_action(
    request: Request, actor: Actor | None, person_id: str, kind: str
) -> Response:
    form = await request.form()
    value = {k: str(v)[:2000] for k, v in form.items() if isinstance(v, str)}
    platform = platform_of(request)
    try:
        if kind == "preferences":
            modes = [str(m)[:40] for m in form.getlist("modes") if isinstance(m, str)]
            platform.choice.set_preferences(actor, person_id, modes)
        elif kind == "decline":
            platform.choice.decline(actor, person_id, value.get("part", ""))
        elif kind == "reinstate":
            platform.choice.reinstate(actor, person_id, value.get("part", ""))
        else:
            accepted = {"yes": True, "no": False}.get(value.get("accepted", ""))
            platform.choice.record_offer(
                actor,
                person_id,
                value.get("part", ""),
                value.get("alternative", ""),
                value.get("note", ""),
                accepted,
            )
    except InvalidInput as error:
        part = value.get("part", "")
        # each prompt's choices are a fieldset named for its part, so the summary links there
        known = part in {p.value for p in DigitalPart}
        rename = {"alternative": f"alternative-{part}"} if known else {}
        problems = problems_from(error, rename=rename)
        if "form" not in problems:
            problems["form"] = message_of(error)
        return _choices_page(request, actor, person_id, 400, problems)
    return RedirectResponse(f"/people/{person_id}/care-choices?saved=1", status_code=303)


@router.post("/people/{person_id}/care-choices/preferences")
async def preferences(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_READ)
) -> Response:
    return await _choice_action(request, actor, person_id, "preferences")


@router.post("/people/{person_id}/care-choices/decline")
async def decline(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_READ)
) -> Response:
    return await _choice_action(request, actor, person_id, "decline")


@router.post("/people/{person_id}/care-choices/reinstate")
async def reinstate(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_READ)
) -> Response:
    return await _choice_action(request, actor, person_id, "reinstate")


@router.post("/people/{person_id}/care-choices/offer")
async def offer(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_CARE_CHOICE)
) -> Response:
    return await _choice_action(request, actor, person_id, "offer")


# -- discharge ----------------------------------------------------------------------------------
def _discharge_page(
    request: Request,
    actor: Actor | None,
    person_id: str,
    episode_id: str,
    status: int = 200,
    problems: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    summary = platform_of(request).human_contact.discharge_check(actor, person_id, episode_id)
    return render(
        request,
        "consent_discharge.html",
        status,
        person_id=person_id,
        episode_id=episode_id,
        summary=summary,
        reasons=list(DischargeReason),
        problems=problems or {},
        values=values or {"reason": "", "confirmation_reason": "", "confirm": ""},
    )


@router.get("/people/{person_id}/episodes/{episode_id}/discharge")
async def discharge_form(
    request: Request,
    person_id: str,
    episode_id: str,
    actor: Actor | None = guard(Permission.PERSON_DISCHARGE),
) -> Response:
    return _discharge_page(request, actor, person_id, episode_id)


@router.post("/people/{person_id}/episodes/{episode_id}/discharge")
async def discharge(
    request: Request,
    person_id: str,
    episode_id: str,
    reason: Short = "",
    confirm: Short = "",
    confirmation_reason: Annotated[str, Form(max_length=2000)] = "",
    actor: Actor | None = guard(Permission.PERSON_DISCHARGE),
) -> Response:
    values = {"reason": reason, "confirm": confirm, "confirmation_reason": confirmation_reason}
    try:
        platform_of(request).human_contact.discharge(
            actor,
            person_id,
            episode_id,
            reason=reason,
            confirm_digital_only=confirm == "yes",
            confirmation_reason=confirmation_reason,
        )
    except InvalidInput as error:
        problems = problems_of(error)
        problems.setdefault("form", message_of(error))
        return _discharge_page(request, actor, person_id, episode_id, 400, problems, values)
    return RedirectResponse(f"/people/{person_id}?discharged=1", status_code=303)


# -- clinician and manager views -----------------------------------------------------------------
@router.get("/caseload/digital-only")
async def digital_only(
    request: Request, actor: Actor | None = guard(Permission.CASELOAD_READ)
) -> Response:
    platform = platform_of(request)
    return render(
        request,
        "consent_digital_only.html",
        flagged=platform.human_contact.flagged_caseload(actor),
        interval_days=platform.human_contact.interval.days,
    )


@router.get("/service/choices")
async def choice_report(
    request: Request, actor: Actor | None = guard(Permission.SERVICE_DASHBOARD)
) -> Response:
    return render(
        request,
        "consent_choice_report.html",
        report=platform_of(request).choice.report(actor),
        parts=list(DigitalPart),
    )
