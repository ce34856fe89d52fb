"""Jinja2 rendering with gettext, the CSRF token and the navigation for the viewer's role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from withcare.domain.measures.scoring import score_text
from withcare.domain.roles import Role
from withcare.insights.disclosure import SUPPRESSION_THRESHOLD
from withcare.security.authorisation import Actor
from withcare.web import i18n
from withcare.web.guard import actor_of, csrf_token
from withcare.web.labels import action_label, label

TEMPLATES = Path(__file__).parent / "templates"

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]


def _date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


env.filters["date"] = _date
env.filters["label"] = label
env.globals["small_number_threshold"] = SUPPRESSION_THRESHOLD  # one rule: insights.disclosure
env.filters["action_label"] = action_label
env.filters["score_text"] = score_text  # questionnaire totals, on measures and sensing pages


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str


def navigation(actor: Actor | None) -> list[NavItem]:
    _ = i18n.gettext
    technologies = NavItem("/technologies", _("Technologies"))  # registry (issue 6)
    if actor is None:
        return [technologies]
    items = [NavItem("/", _("Home")), technologies]
    if actor.role is Role.CLINICIAN:
        items.append(NavItem("/caseload", _("Caseload")))
        items.append(NavItem("/escalations", _("Escalations")))  # safety (issue 4)
    if actor.role is Role.PERSON_IN_CARE and actor.person_id:
        items.append(NavItem(f"/people/{actor.person_id}", _("My record")))
        items.append(NavItem(f"/people/{actor.person_id}/safety-plan", _("My safety plan")))
        items.append(NavItem(f"/people/{actor.person_id}/access-log", _("Who has seen my record")))
        items.append(NavItem(f"/people/{actor.person_id}/consent", _("My choices")))  # issue 5
        items.append(NavItem(f"/people/{actor.person_id}/my-data", _("My information")))
    if actor.role is Role.SERVICE_MANAGER:
        items.append(NavItem("/escalations", _("Escalations")))  # safety (issue 4)
        items.append(NavItem("/service/safety", _("Safety oversight")))
    if actor.role is Role.RESEARCHER:
        items.append(NavItem("/research/sensing", _("Sensing features")))  # sensing (issue 7)
    if actor.role is Role.ADMIN:
        items.append(NavItem("/admin/users", _("Accounts")))
        items.append(NavItem("/admin/instrument-licences", _("Questionnaire licences")))  # issue 3
    return items


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    actor = actor_of(request)
    platform = request.app.state.platform
    show_talk = actor is None or actor.role in (Role.PERSON_IN_CARE, Role.CARER)
    html = env.get_template(template).render(
        request=request,
        actor=actor,
        nav=navigation(actor),
        csrf_token=csrf_token(request),
        lang=i18n.current_language(),
        languages=i18n.LANGUAGES,
        show_talk_link=show_talk,
        service_name=platform.settings.service_name,
        current_path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)
