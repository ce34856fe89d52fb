"""Account administration and the service overview for managers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

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
STAFF_ROLES = [r for r in Role if r is not Role.PERSON_IN_CARE]


@router.get("/admin/users")
async def users(
    request: Request,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    actor: Actor | None = guard(Permission.USERS_MANAGE),
) -> Response:
    listing = platform_of(request).admin.list_users(actor, PageRequest(page, 25))
    return render(request, "admin_users.html", users=listing, created=None)


@router.get("/admin/users/new")
async def new_user_form(
    request: Request, actor: Actor | None = guard(Permission.USERS_MANAGE)
) -> Response:
    teams = platform_of(request).admin.teams(actor)
    return render(
        request, "admin_user_new.html", teams=teams, roles=STAFF_ROLES, problems={}, values={}
    )


@router.post("/admin/users")
async def create_user(
    request: Request,
    email: Annotated[str, Form(max_length=254)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=40)] = "",
    team_id: Annotated[str, Form(max_length=32)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    actor: Actor | None = guard(Permission.USERS_MANAGE),
) -> Response:
    platform = platform_of(request)
    try:
        new = platform.admin.create_staff(
            actor,
            email=email,
            display_name=display_name,
            role=role,
            password=password,
            team_id=team_id or None,
        )
    except InvalidInput as error:
        return render(
            request,
            "admin_user_new.html",
            400,
            teams=platform.admin.teams(actor),
            roles=STAFF_ROLES,
            problems=problems_from(error),
            values={"email": email, "display_name": display_name, "role": role, "team_id": team_id},
        )
    listing = platform.admin.list_users(actor, PageRequest(1, 25))
    return render(request, "admin_users.html", 201, users=listing, created=new)


@router.get("/service")
async def service_overview(
    request: Request, actor: Actor | None = guard(Permission.SERVICE_DASHBOARD)
) -> Response:
    return render(
        request, "home_manager.html", overview=platform_of(request).dashboard.overview(actor)
    )
