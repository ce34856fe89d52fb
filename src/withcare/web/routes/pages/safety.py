"""Safety pages (P3, P2; issue 4): crisis support, "I need help now", "talk to a person", the
clinician's escalation inbox and detail, the safety plan and the manager's oversight page.

Everything works without JavaScript. The crisis page is public, uses no external resources and
falls back to a static page if even the template cannot be rendered (H11). Pressing "I need help
now" always ends on the crisis page, and says plainly if the care team could not be told.
"""

from __future__ import annotations

import html
import logging
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from withcare.domain.care.modes import ContactMode
from withcare.domain.roles import Role
from withcare.domain.safety import Action, Outcome, Section, TimeOfDay, crisis_page
from withcare.domain.safety.safety_plan import MAX_ENTRIES_PER_SECTION
from withcare.messages import N_
from withcare.security.authorisation import AccessDenied, Actor, Permission
from withcare.services.errors import Conflict, InvalidInput
from withcare.services.safety import PersonSafety, plan_from_form
from withcare.web import i18n
from withcare.web.forms import message_of, problems_from
from withcare.web.guard import guard, platform_of
from withcare.web.templating import env, render

router = APIRouter(include_in_schema=False)
_ = i18n.gettext
log = logging.getLogger("withcare.web.safety")
BLANK_ROWS = 2


SAFETY_LABELS: dict[str, str] = {
    # urgency
    "high": N_("High urgency"),
    "moderate": N_("Moderate urgency"),
    "low": N_("Low urgency"),
    "contact_request": N_("Request to talk to a person"),
    # states
    "open": N_("Waiting for someone to take it on"),
    "acknowledged": N_("Taken on"),
    "in_progress": N_("Being acted on"),
    "closed": N_("Closed"),
    # levels
    "named_clinician": N_("Named clinician"),
    "duty_clinician": N_("Duty clinician"),
    "service_manager": N_("Service manager"),
    # events
    "raise": N_("Raised"),
    "acknowledge": N_("Acknowledge"),
    "record_action": N_("Record an action"),
    "hand_over": N_("Hand over"),
    "close_with_outcome": N_("Close with an outcome"),
    "deadline_passed": N_("Deadline missed: moved up a level"),
    # sources
    "instrument": N_("Questionnaire answer"),
    "free_text": N_("Words in a message or note"),
    "help_now": N_("The person pressed \u201cI need help now\u201d"),
    # actions
    "called_the_person": N_("Called the person"),
    "tried_to_call_no_answer": N_("Tried to call: no answer"),
    "messaged_the_person": N_("Messaged the person"),
    "saw_the_person": N_("Saw the person"),
    "video_call_with_the_person": N_("Video call with the person"),
    "arranged_an_appointment": N_("Arranged an appointment"),
    "reviewed_the_safety_plan": N_("Reviewed the safety plan"),
    "contacted_emergency_services": N_("Contacted emergency services"),
    "referred_to_crisis_team": N_("Referred to the crisis team"),
    "contacted_gp": N_("Contacted the GP"),
    "contacted_nominated_person": N_("Contacted the nominated person"),
    "made_safeguarding_referral": N_("Made a safeguarding referral"),
    "discussed_with_supervisor": N_("Discussed with a supervisor"),
    "reviewed_the_record": N_("Reviewed the record"),
    "other": N_("Other"),
    # outcomes
    "safe_with_plan_in_place": N_("Safe, with a plan in place"),
    "follow_up_appointment_booked": N_("Follow-up appointment booked"),
    "emergency_services_involved": N_("Emergency services involved"),
    "admitted_to_hospital": N_("Admitted to hospital"),
    "reviewed_not_a_current_risk": N_("Reviewed: not a current risk"),
    "unable_to_contact_welfare_check_requested": N_("Unable to contact: welfare check requested"),
    "talked_with_the_person": N_("Talked with the person"),
    "person_declined_contact": N_("The person declined contact"),
    "duplicate_of_another_escalation": N_("Duplicate of another escalation"),
    "raised_in_error": N_("Raised in error"),
    # times of day
    "morning": N_("Morning"),
    "afternoon": N_("Afternoon"),
    "evening": N_("Evening"),
    "any_time": N_("Any time"),
    # notification reasons and statuses
    "raised": N_("New"),
    "escalated": N_("Escalated to you"),
    "still_unacknowledged": N_("Still not acknowledged"),
    "handed_over": N_("Handed over to you"),
    "pending": N_("Waiting to send"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "undeliverable": N_("Nobody to send to"),
    # safety plan sections
    "warning_signs": N_("Warning signs that a crisis may be coming"),
    "coping_strategies": N_("Things I can do on my own to take my mind off things"),
    "people_and_places_that_help": N_("People and places that help me feel better"),
    "people_to_ask_for_help": N_("People I can ask for help"),
    "professionals_and_services": N_("Professionals and services I can contact"),
    "making_the_environment_safer": N_("Making my surroundings safer"),
    "reasons_for_living": N_("My reasons for living"),
}


def safety_label(code: str | None) -> str:
    if code is None:
        return ""
    return _(SAFETY_LABELS.get(code, code))


def safety_panel(request: Request, actor: Actor | None, person_id: str) -> PersonSafety | None:
    """For ``person.html``: the person's open escalations and recent risk flags, if allowed."""
    try:
        return platform_of(request).safety.person_safety(actor, person_id)
    except AccessDenied:
        return None


env.globals["safety_label"] = safety_label
env.globals["safety_panel"] = safety_panel


def install(app: FastAPI) -> None:
    """Add the safety pages. ``/crisis`` is a top-level route at a fixed path, which other
    capabilities (the measures pages) link and redirect to directly."""
    app.add_api_route("/crisis", crisis, methods=["GET"], include_in_schema=False)
    app.include_router(router)


# ------------------------------------------------------------------------------ crisis page


def _static_crisis_page() -> HTMLResponse:
    """The last resort if the template cannot be rendered: plain HTML, UK defaults, English."""
    page = crisis_page("en")
    items = "".join(
        f'<li><a href="{html.escape(c.href)}">{html.escape(c.name)}: {html.escape(c.number)}</a>'
        f" \u2013 {html.escape(c.when)}</li>"
        for c in page.contacts
    )
    body = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(page.title)}</title></head><body><main>"
        f"<h1>{html.escape(page.title)}</h1><p><strong>{html.escape(page.danger_now)}</strong></p>"
        f"<p>{html.escape(page.intro)}</p><ul>{items}</ul></main></body></html>"
    )
    return HTMLResponse(body, status_code=200)


async def crisis(
    request: Request,
    told: Annotated[str, Query(max_length=2)] = "",
    actor: Actor | None = guard(Permission.PUBLIC),
) -> Response:
    """Crisis support: shown at once after any risk signal and after "I need help now"."""
    try:
        platform = platform_of(request)
        service_id = actor.service_id if actor is not None else None
        page = platform.safety.crisis_page(i18n.current_language(), service_id)
        if told == "" and actor is not None and actor.person_id:
            told = _care_team_told(request, actor, actor.person_id)
        return render(
            request,
            "crisis.html",
            page=page,
            told=told,
            is_person=actor is not None and actor.role is Role.PERSON_IN_CARE,
        )
    except Exception:  # the crisis page must be shown whatever else is broken
        log.exception("crisis page rendering failed; serving the static fallback")
        return _static_crisis_page()


def _care_team_told(request: Request, actor: Actor, person_id: str) -> str:
    """ "1" when the person has open risk work (so the page can say the team has been told)."""
    try:
        safety = platform_of(request).safety.person_safety(actor, person_id)
    except Exception:  # the crisis page is shown regardless
        return ""
    return "1" if any(e.kind == "risk" for e in safety.open_escalations) else ""


@router.post("/help-now")
async def help_now(
    request: Request, actor: Actor | None = guard(Permission.PERSON_HELP_NOW)
) -> Response:
    """ "I need help now": open high-urgency work for a human, then show crisis support."""
    told = "0"
    try:
        if actor is not None and actor.person_id:
            platform_of(request).safety.help_now(actor, actor.person_id)
            told = "1"
    except Exception:  # never stand between the person and the crisis page
        log.exception("help-now could not open an escalation")
    return RedirectResponse(f"/crisis?told={told}", status_code=303)


# ------------------------------------------------------------------------ talk to a person


def talk_context(request: Request, actor: Actor | None) -> dict[str, Any]:
    """For ``talk.html``: the request form and the person's requests (people in care only)."""
    context: dict[str, Any] = {
        "modes": [m for m in ContactMode if m.is_human],
        "times": list(TimeOfDay),
        "problems": {},
        "chosen_modes": [],
        "chosen_times": [],
        "requests": [],
        "can_request": False,
        "sent": request.query_params.get("sent") == "1",
    }
    if actor is not None and actor.role is Role.PERSON_IN_CARE and actor.person_id:
        context["can_request"] = True
        try:
            safety = platform_of(request).safety.person_safety(actor, actor.person_id)
            context["requests"] = safety.contact_requests
        except AccessDenied:
            context["can_request"] = False
    return context


@router.post("/talk-to-a-person")
async def talk_request(
    request: Request, actor: Actor | None = guard(Permission.PERSON_CONTACT_REQUEST)
) -> Response:
    form = await request.form()
    modes = [str(v) for v in form.getlist("modes")][:10]
    times = [str(v) for v in form.getlist("times")][:10]
    if actor is None or not actor.person_id:
        raise AccessDenied()
    try:
        platform_of(request).safety.request_contact(actor, actor.person_id, modes, times)
    except InvalidInput as error:
        context = talk_context(request, actor)
        context.update(
            problems=problems_from(error),
            chosen_modes=modes,
            chosen_times=times,
        )
        return render(request, "talk.html", 400, **context)
    return RedirectResponse("/talk-to-a-person?sent=1", status_code=303)


# -------------------------------------------------------------------------------- clinicians


@router.get("/escalations")
async def inbox(
    request: Request,
    closed: Annotated[str, Query(max_length=2)] = "",
    actor: Actor | None = guard(Permission.ESCALATIONS_HANDLE),
) -> Response:
    safety = platform_of(request).safety
    items = safety.inbox(actor, include_closed=closed == "1")
    return render(
        request,
        "escalations_inbox.html",
        items=items,
        notifications=safety.in_app_notifications(actor),
        show_closed=closed == "1",
    )


def _detail_page(
    request: Request,
    actor: Actor | None,
    escalation_id: str,
    status: int = 200,
    problems: dict[str, str] | None = None,
) -> Response:
    detail = platform_of(request).safety.detail(actor, escalation_id)
    return render(
        request,
        "escalation_detail.html",
        status,
        d=detail,
        e=detail.escalation,
        actions=list(Action),
        outcomes=list(Outcome),
        problems=problems or {},
        done=request.query_params.get("done", ""),
    )


@router.get("/escalations/{escalation_id}")
async def escalation(
    request: Request, escalation_id: str, actor: Actor | None = guard(Permission.ESCALATIONS_HANDLE)
) -> Response:
    return _detail_page(request, actor, escalation_id)


@router.post("/escalations/{escalation_id}/events")
async def escalation_event(
    request: Request,
    escalation_id: str,
    kind: Annotated[str, Form(max_length=40)] = "",
    action: Annotated[str, Form(max_length=60)] = "",
    outcome: Annotated[str, Form(max_length=60)] = "",
    to: Annotated[str, Form(max_length=32)] = "",
    version: Annotated[str, Form(max_length=10)] = "",
    actor: Actor | None = guard(Permission.ESCALATIONS_HANDLE),
) -> Response:
    try:
        platform_of(request).safety.act(
            actor,
            escalation_id,
            kind,
            action=action or None,
            outcome=outcome or None,
            to_assignee=to or None,
            expected_version=int(version) if version.isdigit() else None,
        )
    except InvalidInput as error:
        problems = problems_from(error)
        return _detail_page(request, actor, escalation_id, 400, problems)
    except Conflict as error:
        return _detail_page(request, actor, escalation_id, 409, {"form": message_of(error)})
    return RedirectResponse(f"/escalations/{escalation_id}?done={kind}", status_code=303)


@router.get("/service/safety")
async def oversight(
    request: Request, actor: Actor | None = guard(Permission.ESCALATIONS_OVERSIGHT)
) -> Response:
    report = platform_of(request).safety.oversight(actor)
    return render(request, "safety_oversight.html", report=report)


# ------------------------------------------------------------------------------- safety plan


@router.get("/people/{person_id}/safety-plan")
async def safety_plan(
    request: Request,
    person_id: str,
    version: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    actor: Actor | None = guard(Permission.PERSON_SAFETY_PLAN_READ),
) -> Response:
    view = platform_of(request).safety.safety_plan(actor, person_id, version)
    return render(
        request,
        "safety_plan.html",
        view=view,
        sections=list(Section),
        saved=request.query_params.get("saved", ""),
    )


def _edit_rows(plan: Any) -> dict[str, list[tuple[str, str]]]:
    rows: dict[str, list[tuple[str, str]]] = {}
    for section in Section:
        entries = list(plan.entries(section)) if plan is not None else []
        filled = [(e.text, e.contact or "") for e in entries]
        blanks = max(0, min(BLANK_ROWS, MAX_ENTRIES_PER_SECTION - len(filled)))
        rows[section.value] = filled + [("", "")] * blanks
    return rows


@router.get("/people/{person_id}/safety-plan/edit")
async def safety_plan_edit(
    request: Request,
    person_id: str,
    actor: Actor | None = guard(Permission.PERSON_SAFETY_PLAN_WRITE),
) -> Response:
    view = platform_of(request).safety.safety_plan(actor, person_id)
    return render(
        request,
        "safety_plan_edit.html",
        view=view,
        sections=list(Section),
        rows=_edit_rows(view.latest.plan if view.latest else None),
        based_on=view.latest.number if view.latest else 0,
        problems={},
    )


@router.post("/people/{person_id}/safety-plan")
async def safety_plan_save(
    request: Request,
    person_id: str,
    actor: Actor | None = guard(Permission.PERSON_SAFETY_PLAN_WRITE),
) -> Response:
    form = await request.form()
    fields = {
        key: [str(v)[:400] for v in form.getlist(key)][: MAX_ENTRIES_PER_SECTION + BLANK_ROWS]
        for section in Section
        for key in (section.value, f"{section.value}__contact")
    }
    plan = plan_from_form(fields)
    based_on_raw = str(form.get("based_on") or "0")
    based_on = int(based_on_raw) if based_on_raw.isdigit() else 0
    agreed = form.get("agreed") == "1"
    safety = platform_of(request).safety
    try:
        number = safety.save_safety_plan(
            actor, person_id, plan, agreed_with_person=agreed, based_on=based_on
        )
    except (InvalidInput, Conflict) as error:
        view = safety.safety_plan(actor, person_id)
        problems = (
            problems_from(error) if isinstance(error, InvalidInput) else {"form": message_of(error)}
        )
        return render(
            request,
            "safety_plan_edit.html",
            409 if isinstance(error, Conflict) else 400,
            view=view,
            sections=list(Section),
            rows=_edit_rows(plan),
            based_on=based_on,
            problems=problems,
        )
    return RedirectResponse(f"/people/{person_id}/safety-plan?saved={number}", status_code=303)
