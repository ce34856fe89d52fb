"""Questionnaires: things to do, the accessible form, results in plain language, printable forms,
the clinician's measures over time (inline SVG chart plus data table), staff entry, licences.

Everything works without JavaScript: the chart is SVG drawn on the server, forms are plain HTML
forms, and "save and come back later" is a second submit button.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from withcare.domain.consent import ConsentRequired
from withcare.domain.measures import Instrument, all_instruments
from withcare.domain.measures.scoring import score_text
from withcare.messages import N_
from withcare.security.authorisation import AccessDenied, Actor, Permission
from withcare.services.errors import InvalidInput, NotFound
from withcare.services.measures import (
    STAFF_MODES,
    DueItem,
    Schedule,
    Trend,
    instrument_or_none,
    require_instrument,
)
from withcare.web import i18n
from withcare.web.forms import message_of, problems_from, problems_of
from withcare.web.guard import guard, platform_of
from withcare.web.templating import env, render

router = APIRouter(include_in_schema=False)
_ = i18n.gettext

SEVERITY_TEXT: dict[str, str] = {
    "none_minimal": N_("none or minimal"),
    "minimal": N_("minimal"),
    "mild": N_("mild"),
    "moderate": N_("moderate"),
    "moderately_severe": N_("moderately severe"),
    "severe": N_("severe"),
    "negative": N_("below the screening threshold"),
    "positive": N_("above the screening threshold"),
    "subclinical": N_("below the level that usually needs help"),
    "significant_impairment": N_("significant impairment"),
    "moderately_severe_or_worse": N_("moderately severe impairment or worse"),
    "healthy": N_("healthy"),
    "low_level": N_("low level"),
    "moderate_to_severe": N_("moderate to severe"),
    "probable_depression": N_("probable depression"),
    "possible_depression": N_("possible depression"),
    "average": N_("average"),
    "high": N_("high"),
    "below_threshold": N_("below the threshold"),
    "probable_ptsd": N_("probable post-traumatic stress"),
    "low_risk": N_("lower risk"),
    "hazardous": N_("hazardous"),
    "harmful": N_("harmful"),
    "possible_dependence": N_("possible dependence"),
    "poor_wellbeing": N_("poor wellbeing"),
    "not_poor_wellbeing": N_("not poor wellbeing"),
    "likely_well": N_("likely to be well"),
    "none": N_("none"),
    "moderate_risk": N_("moderate risk"),
    "high_risk": N_("high risk"),
}
CHANGE_TEXT: dict[str, str] = {
    "recovered": N_("reliably better and below the clinical cut-off"),
    "improved": N_("reliably better"),
    "unchanged": N_("no reliable change"),
    "deteriorated": N_("reliably worse"),
}
MODE_TEXT: dict[str, str] = {
    "web": N_("Online"),
    "paper": N_("Paper"),
    "phone": N_("Phone"),
    "in_person": N_("In person"),
    "fhir": N_("Imported (FHIR)"),
}
SCHEDULE_TEXT: dict[str, str] = {
    "once": N_("Once"),
    "every_session": N_("Every session"),
    "weekly": N_("Weekly"),
    "before_appointment": N_("Before each appointment"),
}


def severity_text(code: str | None) -> str:
    return _(SEVERITY_TEXT.get(code or "", code or "")) if code else ""


def change_text(code: str | None) -> str:
    return _(CHANGE_TEXT[code]) if code in CHANGE_TEXT else ""


def mode_text(code: str | None) -> str:
    return _(MODE_TEXT.get(code or "", code or ""))


def schedule_text(code: str | None) -> str:
    return _(SCHEDULE_TEXT.get(code or "", code or ""))


env.filters["severity_text"] = severity_text
env.filters["change_text"] = change_text
env.filters["mode_text"] = mode_text
env.filters["schedule_text"] = schedule_text


CRISIS_PATH = "/crisis"  # the crisis support page (safety capability; public, always served)


def things_to_do(request: Request, actor: Actor | None, person_id: str) -> list[DueItem]:
    """The person's open questionnaires for the home page (empty when not allowed)."""
    try:
        return platform_of(request).measures.due(actor, person_id)
    except (AccessDenied, ConsentRequired):
        return []


env.globals["measures_things_to_do"] = things_to_do
env.globals["measures_crisis_path"] = CRISIS_PATH


# -- the chart ------------------------------------------------------------------------------------
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 132, 12, 36


@dataclass(frozen=True)
class ChartBand:
    y: float
    height: float
    css: str
    label: str


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    title: str
    css: str
    marker: str | None


@dataclass(frozen=True)
class Tick:
    pos: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    bands: list[ChartBand]
    points: list[ChartPoint]
    line: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    label: str


def chart(trend: Trend) -> Chart:
    """Geometry for one instrument's inline SVG: severity bands, scores, reliable-change marks."""
    low, high = float(trend.minimum), float(trend.maximum)
    span = (high - low) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - (value - low) / span), 1)

    bands = []
    for index, band in enumerate(trend.bands):
        top_value = min(band.maximum + (0.5 if band.maximum < high else 0), high)
        bottom_value = max(band.minimum - (0.5 if band.minimum > low else 0), low)
        bands.append(
            ChartBand(
                y=y(top_value),
                height=round(y(bottom_value) - y(top_value), 1),
                css=f"band band-{index % 6}",
                label=severity_text(band.label),
            )
        )
    times = [p.at.timestamp() for p in trend.points]
    first, last = (min(times), max(times)) if times else (0.0, 1.0)
    width = (last - first) or 1.0
    points = []
    for point in trend.points:
        x = (
            LEFT + plot_w / 2
            if len(trend.points) == 1
            else round(LEFT + plot_w * (point.at.timestamp() - first) / width, 1)
        )
        parts = [
            f"{point.at:%d/%m/%Y}: {score_text(point.total)} ({severity_text(point.severity)})"
        ]
        if point.change:
            parts.append(change_text(point.change))
        if point.risk_flag:
            parts.append(_("risk answer"))
        marker = point.change if point.change in ("improved", "recovered", "deteriorated") else None
        points.append(
            ChartPoint(
                x=x,
                y=y(point.total),
                title="; ".join(parts),
                css="point risk" if point.risk_flag else "point",
                marker=marker,
            )
        )
    step = 5 if span > 12 else (2 if span > 6 else 1)
    y_ticks = [Tick(y(v), str(v)) for v in range(int(low), int(high) + 1, step)]
    x_ticks = []
    if trend.points:
        single = len(points) == 1
        x_ticks.append(
            Tick(points[0].x, f"{trend.points[0].at:%d/%m/%y}", "middle" if single else "start")
        )
        if not single:
            x_ticks.append(Tick(points[-1].x, f"{trend.points[-1].at:%d/%m/%y}", "end"))
    latest = trend.points[-1] if trend.points else None
    summary = _("%(name)s scores over time, %(count)s results") % {
        "name": trend.short_name,
        "count": len(points),
    }
    if latest is not None:
        summary += ". " + _("Latest %(total)s (%(severity)s)") % {
            "total": int(latest.total) if float(latest.total).is_integer() else latest.total,
            "severity": severity_text(latest.severity),
        }
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=RIGHT,
        top=TOP,
        bottom=BOTTOM,
        bands=bands,
        points=points,
        line=" ".join(f"{p.x},{p.y}" for p in points),
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        label=summary,
    )


# -- forms ----------------------------------------------------------------------------------------
def read_answers(instrument: Instrument, form: Any) -> list[int | str | None]:
    """Item answers from the submitted form: an item score, ``not_applicable`` or ``None``.

    A value that is not a whole number is kept as text so the scorer names the item and its range.
    """
    answers: list[int | str | None] = []
    for item in instrument.items:
        raw = form.get(item.link_id)
        if not isinstance(raw, str) or raw == "":
            answers.append(None)
        elif raw == "not_applicable":
            answers.append(raw)
        else:
            try:
                answers.append(int(raw))
            except ValueError:
                answers.append(raw[:20])
    return answers


def item_problems(
    instrument: Instrument, error: InvalidInput, rename: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Translated messages naming each item (``item_3`` -> "Question 3: ...")."""
    shown: dict[str, str] = {}
    translated = problems_of(error)
    for key, message in error.problems.items():
        if key.startswith("item_") and key[5:].isdigit():
            number = int(key[5:])
            if "choose an answer" in message:
                shown[key] = _("Question %(number)s: choose an answer.") % {"number": number}
            else:
                shown[key] = _("Question %(number)s: choose one of the answers shown.") % {
                    "number": number
                }
        else:
            shown[(rename or {}).get(key, key)] = translated[key]
    return shown


def _values(answers: list[int | str | None]) -> dict[str, str]:
    return {f"item_{i}": "" if a is None else str(a) for i, a in enumerate(answers, start=1)}


def _worded(request: Request, instrument: Instrument) -> dict[str, Any]:
    """Template values for the instrument in the page's language: a validated translation the
    service holds, or the original wording (the templates then say why it is not translated)."""
    wording = platform_of(request).measures.wording(instrument, i18n.current_language())
    return {"instrument": wording.instrument, "translation": wording.translation}


# -- the person ----------------------------------------------------------------------------------
@router.get("/people/{person_id}/questionnaires/{instrument_id}")
async def questionnaire_form(
    request: Request,
    person_id: str,
    instrument_id: str,
    actor: Actor | None = guard(Permission.PERSON_MEASURES_RESPOND),
) -> Response:
    instrument, due, saved = platform_of(request).measures.form(actor, person_id, instrument_id)
    return render(
        request,
        "measures_form.html",
        person_id=person_id,
        **_worded(request, instrument),
        due=due,
        values=_values(saved),
        problems={},
        saved=request.query_params.get("saved") == "1",
    )


@router.post("/people/{person_id}/questionnaires/{instrument_id}")
async def questionnaire_submit(
    request: Request,
    person_id: str,
    instrument_id: str,
    action: Annotated[str, Form(max_length=10)] = "submit",
    assignment_id: Annotated[str, Form(max_length=32)] = "",
    actor: Actor | None = guard(Permission.PERSON_MEASURES_RESPOND),
) -> Response:
    platform = platform_of(request)
    measures = platform.measures
    measures.require_access(actor, person_id, Permission.PERSON_MEASURES_RESPOND)
    instrument = require_instrument(instrument_id)
    answers = read_answers(instrument, await request.form())
    assignment = assignment_id or None
    if action == "save":
        measures.save_draft(actor, person_id, instrument.id, answers, assignment_id=assignment)
        return RedirectResponse(
            f"/people/{person_id}/questionnaires/{instrument.id}?saved=1", status_code=303
        )
    try:
        outcome = measures.submit(
            actor, person_id, instrument.id, answers, assignment_id=assignment
        )
    except InvalidInput as error:
        _instrument, due, _saved = measures.form(actor, person_id, instrument.id)
        return render(
            request,
            "measures_form.html",
            400,
            person_id=person_id,
            **_worded(request, instrument),
            due=due,
            values=_values(answers),
            problems=item_problems(instrument, error),
            saved=False,
        )
    if outcome.shows_crisis_page:
        return RedirectResponse(CRISIS_PATH, status_code=303)
    return RedirectResponse(
        f"/people/{person_id}/results/{outcome.administration.id}", status_code=303
    )


@router.post("/people/{person_id}/assignments/{assignment_id}/remind-later")
async def remind_later(
    request: Request,
    person_id: str,
    assignment_id: str,
    actor: Actor | None = guard(Permission.PERSON_MEASURES_RESPOND),
) -> Response:
    platform_of(request).measures.remind_later(actor, person_id, assignment_id)
    return RedirectResponse("/?reminder=later", status_code=303)


@router.get("/people/{person_id}/results/{administration_id}")
async def result(
    request: Request,
    person_id: str,
    administration_id: str,
    actor: Actor | None = guard(Permission.PERSON_MEASURES_READ),
) -> Response:
    measures = platform_of(request).measures
    view = measures.administration(actor, person_id, administration_id)
    overview = measures.overview(actor, person_id)
    trend = next((t for t in overview.trends if t.instrument_id == view.instrument_id), None)
    point = None
    if trend is not None:
        point = next((p for p in trend.points if p.administration_id == view.id), None)
    instrument = instrument_or_none(view.instrument_id)
    return render(
        request,
        "measures_result.html",
        person_id=person_id,
        view=view,
        instrument=instrument,
        trend=trend,
        point=point,
        chart=chart(trend) if trend else None,
        crisis_path=CRISIS_PATH,
    )


@router.get("/people/{person_id}/measures")
async def measures_over_time(
    request: Request,
    person_id: str,
    actor: Actor | None = guard(Permission.PERSON_MEASURES_READ),
) -> Response:
    overview = platform_of(request).measures.overview(actor, person_id)
    return render(
        request,
        "measures_overview.html",
        person_id=person_id,
        overview=overview,
        charts={t.instrument_id: chart(t) for t in overview.trends},
        notice=request.query_params.get("done", ""),
        is_staff=actor is not None and actor.role.value == "clinician",
        crisis_path=CRISIS_PATH,
    )


# -- the care team --------------------------------------------------------------------------------
def _assign_page(
    request: Request,
    person_id: str,
    actor: Actor | None,
    problems: dict[str, str],
    values: dict[str, str],
    status: int = 200,
) -> Response:
    instruments = platform_of(request).measures.instruments(actor)
    return render(
        request,
        "measures_assign.html",
        status,
        person_id=person_id,
        instruments=instruments,
        schedules=list(Schedule),
        problems=problems,
        values=values,
    )


@router.get("/people/{person_id}/measures/assign")
async def assign_form(
    request: Request,
    person_id: str,
    actor: Actor | None = guard(Permission.PERSON_MEASURES_ASSIGN),
) -> Response:
    platform_of(request).measures.require_access(
        actor, person_id, Permission.PERSON_MEASURES_ASSIGN
    )
    today = platform_of(request).clock.now().strftime("%Y-%m-%d")
    values = {
        "instrument_id": "",
        "schedule": "once",
        "window_days": "7",
        "starts_on": today,
        "reminders": "yes",
    }
    return _assign_page(request, person_id, actor, {}, values)


@router.post("/people/{person_id}/measures/assign")
async def assign(
    request: Request,
    person_id: str,
    instrument_id: Annotated[str, Form(max_length=40)] = "",
    schedule: Annotated[str, Form(max_length=40)] = "once",
    window_days: Annotated[str, Form(max_length=4)] = "7",
    starts_on: Annotated[str, Form(max_length=10)] = "",
    reminders: Annotated[str, Form(max_length=4)] = "",
    actor: Actor | None = guard(Permission.PERSON_MEASURES_ASSIGN),
) -> Response:
    platform = platform_of(request)
    platform.measures.require_access(actor, person_id, Permission.PERSON_MEASURES_ASSIGN)
    values = {
        "instrument_id": instrument_id,
        "schedule": schedule,
        "window_days": window_days,
        "starts_on": starts_on,
        "reminders": reminders,
    }
    problems: dict[str, str] = {}
    days = int(window_days) if window_days.isdigit() else 0
    now = platform.clock.now()
    start: datetime | None = now
    if starts_on:
        try:
            start = datetime.strptime(starts_on, "%Y-%m-%d").replace(tzinfo=UTC)
            if start.date() == now.date():
                start = now
        except ValueError:
            problems["starts_on"] = _("Enter the date as YYYY-MM-DD.")
    if not problems:
        try:
            platform.measures.assign(
                actor,
                person_id,
                instrument_id,
                schedule=schedule,
                window_days=days,
                starts_at=start,
                reminders=reminders == "yes",
            )
            return RedirectResponse(f"/people/{person_id}/measures?done=assigned", status_code=303)
        except InvalidInput as error:
            problems = problems_from(error, rename={"starts_at": "starts_on"})
    return _assign_page(request, person_id, actor, problems, values, 400)


@router.post("/people/{person_id}/measures/assignments/{assignment_id}/end")
async def end_assignment(
    request: Request,
    person_id: str,
    assignment_id: str,
    actor: Actor | None = guard(Permission.PERSON_MEASURES_ASSIGN),
) -> Response:
    platform_of(request).measures.end_assignment(actor, person_id, assignment_id)
    return RedirectResponse(f"/people/{person_id}/measures?done=ended", status_code=303)


@router.get("/people/{person_id}/measures/enter")
async def enter_choose(
    request: Request,
    person_id: str,
    actor: Actor | None = guard(Permission.PERSON_MEASURES_ENTER),
) -> Response:
    platform_of(request).measures.require_access(actor, person_id, Permission.PERSON_MEASURES_ENTER)
    return render(
        request, "measures_enter_choose.html", person_id=person_id, instruments=all_instruments()
    )


def _enter_page(
    request: Request,
    person_id: str,
    instrument: Instrument,
    values: dict[str, str],
    problems: dict[str, str],
    status: int = 200,
) -> Response:
    return render(
        request,
        "measures_enter.html",
        status,
        person_id=person_id,
        **_worded(request, instrument),
        modes=list(STAFF_MODES),
        values=values,
        problems=problems,
    )


@router.get("/people/{person_id}/measures/enter/{instrument_id}")
async def enter_form(
    request: Request,
    person_id: str,
    instrument_id: str,
    actor: Actor | None = guard(Permission.PERSON_MEASURES_ENTER),
) -> Response:
    platform = platform_of(request)
    platform.measures.require_access(actor, person_id, Permission.PERSON_MEASURES_ENTER)
    instrument = require_instrument(instrument_id)
    values = {"mode": "", "completed_on": platform.clock.now().strftime("%Y-%m-%d")}
    return _enter_page(request, person_id, instrument, values, {})


@router.post("/people/{person_id}/measures/enter/{instrument_id}")
async def enter(
    request: Request,
    person_id: str,
    instrument_id: str,
    mode: Annotated[str, Form(max_length=20)] = "",
    completed_on: Annotated[str, Form(max_length=10)] = "",
    actor: Actor | None = guard(Permission.PERSON_MEASURES_ENTER),
) -> Response:
    platform = platform_of(request)
    platform.measures.require_access(actor, person_id, Permission.PERSON_MEASURES_ENTER)
    instrument = require_instrument(instrument_id)
    answers = read_answers(instrument, await request.form())
    values = {"mode": mode, "completed_on": completed_on, **_values(answers)}
    problems: dict[str, str] = {}
    if mode not in {m.value for m in STAFF_MODES}:
        problems["mode"] = _("Choose how the questionnaire was given: paper, phone or in person.")
    completed: datetime | None = None
    try:
        completed = datetime.strptime(completed_on, "%Y-%m-%d").replace(hour=12, tzinfo=UTC)
        now = platform.clock.now()
        if completed.date() == now.date():
            completed = now
    except ValueError:
        problems["completed_on"] = _("Enter the date it was completed as YYYY-MM-DD.")
    if not problems:
        try:
            outcome = platform.measures.submit(
                actor, person_id, instrument.id, answers, mode=mode, completed_at=completed
            )
            return RedirectResponse(
                f"/people/{person_id}/results/{outcome.administration.id}?entered=1",
                status_code=303,
            )
        except InvalidInput as error:
            problems = item_problems(
                instrument,
                error,
                rename={"completed_at": "completed_on"},
            ) or {"form": message_of(error)}
    return _enter_page(request, person_id, instrument, values, problems, 400)


# -- public: printable forms ---------------------------------------------------------------------
@router.get("/instruments")
async def instruments(request: Request, actor: Actor | None = guard(Permission.PUBLIC)) -> Response:
    return render(request, "measures_instruments.html", instruments=all_instruments())


@router.get("/instruments/{instrument_id}/print")
async def printable(
    request: Request, instrument_id: str, actor: Actor | None = guard(Permission.PUBLIC)
) -> Response:
    instrument = require_instrument(instrument_id)
    return render(request, "measures_print.html", **_worded(request, instrument))


# -- admin: licences -----------------------------------------------------------------------------
@router.get("/admin/instrument-licences")
async def licences(
    request: Request, actor: Actor | None = guard(Permission.INSTRUMENT_LICENCES_MANAGE)
) -> Response:
    listing = platform_of(request).measures.instruments(actor)
    return render(
        request,
        "measures_licences.html",
        instruments=listing,
        translations=platform_of(request).measures.translations,
        problems={},
        recorded=request.query_params.get("recorded", ""),
    )


@router.post("/admin/instrument-licences")
async def record_licence(
    request: Request,
    instrument_id: Annotated[str, Form(max_length=40)] = "",
    reference: Annotated[str, Form(max_length=400)] = "",
    actor: Actor | None = guard(Permission.INSTRUMENT_LICENCES_MANAGE),
) -> Response:
    platform = platform_of(request)
    try:
        platform.measures.record_licence(actor, instrument_id, reference)
    except (InvalidInput, NotFound) as error:
        problems = (
            {f"reference-{instrument_id}": problems_from(error).get("reference", message_of(error))}
            if isinstance(error, InvalidInput)
            else {"form": message_of(error)}
        )
        return render(
            request,
            "measures_licences.html",
            400,
            instruments=platform.measures.instruments(actor),
            translations=platform.measures.translations,
            problems=problems,
            recorded="",
        )
    return RedirectResponse(f"/admin/instrument-licences?recorded={instrument_id}", status_code=303)
