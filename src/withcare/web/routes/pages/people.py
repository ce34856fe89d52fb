"""A clinician's caseload, a person's record, recording a contact, and "who has seen my record"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from withcare.domain.care.modes import ContactMode
from withcare.domain.roles import Role
from withcare.security.authorisation import Actor, Permission
from withcare.services.errors import InvalidInput
from withcare.services.pagination import PageRequest
from withcare.web import i18n
from withcare.web.forms import problems_from
from withcare.web.guard import guard, platform_of
from withcare.web.templating import render

router = APIRouter(include_in_schema=False)
_ = i18n.gettext

PageNumber = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/caseload")
async def caseload(
    request: Request, page: PageNumber = 1, actor: Actor | None = guard(Permission.CASELOAD_READ)
) -> Response:
    result = platform_of(request).care.caseload(actor, PageRequest(page, 25))
    flagged = {f.person_id for f in platform_of(request).human_contact.flagged_caseload(actor)}
    return render(request, "caseload.html", caseload=result, digital_only=flagged)  # P2 (issue 5)


@router.get("/people/{person_id}")
async def person(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_READ)
) -> Response:
    record = platform_of(request).care.person_record(actor, person_id)
    contact = platform_of(request).human_contact.person(actor, person_id, audit=False)  # issue 5
    clinician = actor is not None and actor.role is Role.CLINICIAN  # carers: read-only list
    carers = platform_of(request).carers.overview(actor, person_id) if clinician else None
    return render(
        request,
        "person.html",
        record=record,
        modes=list(ContactMode),
        human_contact=contact,
        carers=carers,
    )


@router.get("/people/{person_id}/contacts/new")
async def new_contact_form(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_CONTACTS_WRITE)
) -> Response:
    record = platform_of(request).care.person_record(actor, person_id)
    now = platform_of(request).clock.now()
    return render(
        request,
        "contact_new.html",
        record=record,
        modes=list(ContactMode),
        problems={},
        values={
            "date": now.strftime("%Y-%m-%d"),
            "time": now.strftime("%H:%M"),
            "mode": "",
            "duration": "30",
        },
    )


@router.post("/people/{person_id}/contacts")
async def record_contact(
    request: Request,
    person_id: str,
    mode: Annotated[str, Form()] = "",
    date: Annotated[str, Form()] = "",
    time: Annotated[str, Form()] = "",
    duration: Annotated[str, Form()] = "",
    actor: Actor | None = guard(Permission.PERSON_CONTACTS_WRITE),
) -> Response:
    platform = platform_of(request)
    # Lengths are checked here, not by the form parser, so a wrong entry re-shows the form with
    # its message instead of a generic error page.
    mode, date, time, duration = (v.strip()[:40] for v in (mode, date, time, duration))
    values = {"date": date, "time": time, "mode": mode, "duration": duration}
    problems: dict[str, str] = {}
    occurred: datetime | None = None
    try:
        occurred = datetime.strptime(f"{date} {time}", "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    except ValueError:
        problems["date"] = _("Enter the date as YYYY-MM-DD and the time as HH:MM (24-hour).")
    minutes = int(duration) if duration.isdigit() and len(duration) <= 5 else -1
    if minutes < 0:
        problems["duration"] = _("Enter the duration in whole minutes, for example 30.")
    if not problems and occurred is not None:
        try:
            platform.care.record_contact(
                actor, person_id, occurred_at=occurred, mode=mode, duration_minutes=minutes
            )
            return RedirectResponse(f"/people/{person_id}?recorded=1", status_code=303)
        except InvalidInput as error:
            problems = problems_from(
                error, rename={"occurred_at": "date", "duration_minutes": "duration"}
            )
    record = platform.care.person_record(actor, person_id)
    return render(
        request,
        "contact_new.html",
        400,
        record=record,
        modes=list(ContactMode),
        problems=problems,
        values=values,
    )


@router.get("/people/{person_id}/access-log")
async def access_log(
    request: Request,
    person_id: str,
    page: PageNumber = 1,
    actor: Actor | None = guard(Permission.PERSON_AUDIT_READ),
) -> Response:
    entries = platform_of(request).care.access_history(actor, person_id, PageRequest(page, 25))
    return render(request, "access_log.html", entries=entries, person_id=person_id)
