"""Smartphone sensing pages: the daily features next to questionnaire scores (care team and the
person), enrolment, and the researcher's pseudonymised export.

No JavaScript and no inline style: the small charts are SVG drawn on the server, each with a data
table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from withcare.domain.consent import ConsentRequired, DataStream
from withcare.messages import N_
from withcare.security.authorisation import AccessDenied, Actor, Permission
from withcare.services.errors import InvalidInput
from withcare.services.measures import MeasuresOverview
from withcare.services.sensing import PLATFORMS, DayView, KeyFeature
from withcare.web import i18n
from withcare.web.forms import problems_from
from withcare.web.guard import guard, platform_of
from withcare.web.templating import env, render

router = APIRouter(include_in_schema=False)
_ = i18n.gettext

STREAM_TEXT: dict[str, str] = {
    DataStream.SMARTPHONE_LOCATION.value: N_("Phone location (GPS)"),
    DataStream.MOVEMENT.value: N_("Movement (the phone's motion sensor)"),
    DataStream.PHONE_USE_LOGS.value: N_("Calls, texts and screen use (counts only, never content)"),
}
FEATURE_TEXT: dict[str, str] = {
    "home_time": N_("Time at home"),
    "dist_traveled": N_("Distance travelled"),
    "num_sig_places": N_("Places visited"),
    "steps": N_("Steps"),
    "active_minutes": N_("Active minutes"),
    "num_uniq_individuals_call_or_text": N_("People called or texted"),
}
UNIT_TEXT: dict[str, str] = {
    "hours": N_("hours"),
    "km": N_("km"),
    "places": N_("places"),
    "steps": N_("steps"),
    "minutes": N_("minutes"),
    "contacts": N_("people"),
}
PLATFORM_TEXT: dict[str, str] = {
    "android": N_("Android"),
    "ios": N_("iPhone"),
    "unknown": N_("Not known"),
}


def stream_text(code: object) -> str:
    value = getattr(code, "value", code)
    return _(STREAM_TEXT.get(str(value), str(value)))


def feature_text(name: str) -> str:
    return _(FEATURE_TEXT.get(name, name))


def unit_text(unit: str) -> str:
    return _(UNIT_TEXT.get(unit, unit))


def platform_text(code: str) -> str:
    return _(PLATFORM_TEXT.get(code, code))


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}".replace(".0", "")


env.filters["sensing_stream"] = stream_text
env.filters["sensing_feature"] = feature_text
env.filters["sensing_unit"] = unit_text
env.filters["sensing_platform"] = platform_text
env.filters["sensing_percent"] = percent
env.filters["sensing_number"] = number


# -- the small charts -----------------------------------------------------------------------------
WIDTH, HEIGHT, PAD = 320, 90, 8


@dataclass(frozen=True)
class Spark:
    feature: KeyFeature
    width: int
    height: int
    line: str
    points: list[tuple[float, float, str]]
    label: str


def sparkline(feature: KeyFeature, days: list[DayView]) -> Spark:
    values = [(d.day, d.values.get(feature.name)) for d in days]
    known = [v for _day, v in values if v is not None]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    span = (high - low) or 1.0
    count = max(len(values) - 1, 1)
    points: list[tuple[float, float, str]] = []
    for index, (day, value) in enumerate(values):
        if value is None:
            continue
        x = round(PAD + (WIDTH - 2 * PAD) * index / count, 1)
        y = round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value - low) / span, 1)
        points.append((x, y, f"{day:%d/%m/%Y}: {number(value)} {unit_text(feature.unit)}"))
    label = _("%(name)s by day, %(count)s days with a value, from %(low)s to %(high)s %(unit)s") % {
        "name": feature_text(feature.name),
        "count": len(known),
        "low": number(low if known else None),
        "high": number(high if known else None),
        "unit": unit_text(feature.unit),
    }
    return Spark(feature, WIDTH, HEIGHT, " ".join(f"{x},{y}" for x, y, _t in points), points, label)


def _scores_by_day(overview: MeasuresOverview | None) -> dict[date, list[str]]:
    found: dict[date, list[str]] = {}
    for trend in overview.trends if overview else []:
        for point in trend.points:
            total = int(point.total) if float(point.total).is_integer() else point.total
            found.setdefault(point.at.date(), []).append(f"{trend.short_name} {total}")
    return found


@router.get("/people/{person_id}/sensing")
async def person_sensing(
    request: Request,
    person_id: str,
    actor: Actor | None = guard(Permission.PERSON_SENSING_READ),
) -> Response:
    platform = platform_of(request)
    view = platform.sensing.person_view(actor, person_id)
    overview: MeasuresOverview | None
    try:
        overview = platform.measures.overview(actor, person_id)
    except (AccessDenied, ConsentRequired):
        overview = None
    return render(
        request,
        "sensing_person.html",
        person_id=person_id,
        view=view,
        sparks=[sparkline(f, view.days) for f in view.features] if view.days else [],
        scores=_scores_by_day(overview),
        trends=overview.trends if overview else [],
        is_self=actor is not None and actor.person_id == person_id,
        notice=request.query_params.get("done", ""),
    )


def _enrol_page(
    request: Request,
    person_id: str,
    problems: dict[str, str],
    values: dict[str, str],
    status: int = 200,
) -> Response:
    return render(
        request,
        "sensing_enrol.html",
        status,
        person_id=person_id,
        problems=problems,
        values=values,
        platforms=PLATFORMS,
    )


@router.get("/people/{person_id}/sensing/enrol")
async def enrol_form(
    request: Request,
    person_id: str,
    actor: Actor | None = guard(Permission.PERSON_SENSING_ENROL),
) -> Response:
    platform = platform_of(request)
    platform.sensing.require_access(actor, person_id, Permission.PERSON_SENSING_ENROL)
    current = platform.sensing.enrolment(actor, person_id)
    values = {
        "participant_id": current.participant_id if current else "",
        "timezone": current.timezone if current else "Europe/London",
        "platform": current.platform if current else "unknown",
    }
    return _enrol_page(request, person_id, {}, values)


@router.post("/people/{person_id}/sensing/enrol")
async def enrol(
    request: Request,
    person_id: str,
    participant_id: Annotated[str, Form(max_length=200)] = "",
    timezone: Annotated[str, Form(max_length=100)] = "",
    platform_name: Annotated[str, Form(alias="platform", max_length=20)] = "unknown",
    actor: Actor | None = guard(Permission.PERSON_SENSING_ENROL),
) -> Response:
    platform = platform_of(request)
    platform.sensing.require_access(actor, person_id, Permission.PERSON_SENSING_ENROL)
    values = {"participant_id": participant_id, "timezone": timezone, "platform": platform_name}
    try:
        platform.sensing.enrol(actor, person_id, participant_id, timezone, platform_name)
    except InvalidInput as error:
        problems = problems_from(error)
        return _enrol_page(request, person_id, problems, values, 400)
    return RedirectResponse(f"/people/{person_id}/sensing?done=enrolled", status_code=303)


# -- research -------------------------------------------------------------------------------------
@router.get("/research/sensing")
async def research_page(
    request: Request, actor: Actor | None = guard(Permission.RESEARCH_SENSING_EXPORT)
) -> Response:
    summary = platform_of(request).sensing.research_summary(actor)
    return render(request, "sensing_research.html", summary=summary)


@router.get("/research/sensing/features.csv")
async def research_download(
    request: Request, actor: Actor | None = guard(Permission.RESEARCH_SENSING_EXPORT)
) -> Response:
    text = platform_of(request).sensing.research_export(actor)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="sensing-features.csv"'},
    )
