"""Self-service data rights: download my data, ask for a correction, ask for erasure."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from withcare.security.authorisation import Actor, Permission
from withcare.services.errors import InvalidInput
from withcare.web import i18n
from withcare.web.forms import problems_from
from withcare.web.guard import guard, platform_of
from withcare.web.templating import render

router = APIRouter(include_in_schema=False)
_ = i18n.gettext


def _my_data(
    request: Request,
    actor: Actor | None,
    person_id: str,
    status: int = 200,
    problems: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    corrections = platform_of(request).privacy.corrections(actor, person_id)
    return render(
        request,
        "privacy_my_data.html",
        status,
        person_id=person_id,
        corrections=corrections,
        problems=problems or {},
        values=values or {"text": "", "confirmation": ""},
    )


@router.get("/people/{person_id}/my-data")
async def my_data(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_DATA_EXPORT)
) -> Response:
    return _my_data(request, actor, person_id)


@router.get("/people/{person_id}/my-data/summary")
async def summary(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_DATA_EXPORT)
) -> Response:
    export = platform_of(request).privacy.export(actor, person_id)
    return render(request, "privacy_summary.html", export=export)


@router.get("/people/{person_id}/my-data/fhir")
async def fhir_bundle(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_DATA_EXPORT)
) -> Response:
    export = platform_of(request).privacy.export(actor, person_id)
    return Response(
        json.dumps(export.bundle, indent=2),
        media_type="application/fhir+json",
        headers={"Content-Disposition": 'attachment; filename="my-withcare-data.json"'},
    )


@router.get("/people/{person_id}/corrections")
async def corrections(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_READ)
) -> Response:
    return render(
        request,
        "privacy_corrections.html",
        person_id=person_id,
        corrections=platform_of(request).privacy.corrections(actor, person_id),
        clinician=actor is not None and actor.role.value == "clinician",
    )


@router.post("/people/{person_id}/corrections")
async def ask_correction(
    request: Request,
    person_id: str,
    text: Annotated[str, Form(max_length=4000)] = "",
    actor: Actor | None = guard(Permission.PERSON_CORRECTION_REQUEST),
) -> Response:
    try:
        asked = platform_of(request).privacy.ask_correction(
            actor, person_id, text, i18n.current_language()
        )
    except InvalidInput as error:
        problems = problems_from(error)
        return _my_data(request, actor, person_id, 400, problems, {"text": text})
    if asked.shows_crisis_page:  # risk language: crisis support before anything else (P3)
        return RedirectResponse("/crisis", status_code=303)
    return RedirectResponse(f"/people/{person_id}/my-data?asked=1", status_code=303)


@router.post("/people/{person_id}/corrections/{request_id}")
async def resolve_correction(
    request: Request,
    person_id: str,
    request_id: str,
    status: Annotated[str, Form(max_length=20)] = "",
    actor: Actor | None = guard(Permission.PERSON_CONTACTS_WRITE),
) -> Response:
    platform_of(request).privacy.resolve_correction(actor, person_id, request_id, status)
    return RedirectResponse(f"/people/{person_id}/corrections", status_code=303)


@router.post("/people/{person_id}/erasure")
async def erase(
    request: Request,
    person_id: str,
    confirmation: Annotated[str, Form(max_length=20)] = "",
    actor: Actor | None = guard(Permission.PERSON_ERASURE_REQUEST),
) -> Response:
    platform = platform_of(request)
    try:
        platform.privacy.erase(actor, person_id, confirmation)
    except InvalidInput as error:
        problems = problems_from(error)
        return _my_data(request, actor, person_id, 400, problems, {"confirmation": confirmation})
    return render(request, "privacy_erased.html")
