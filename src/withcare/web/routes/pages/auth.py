"""Log-in (password, then a one-time code for staff), second-factor enrolment, log-out, language."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from withcare.security import totp
from withcare.security.authorisation import Actor, Permission
from withcare.services.errors import InvalidInput, LoginFailed
from withcare.web import i18n
from withcare.web.forms import message_of, problems_of
from withcare.web.guard import SESSION_COOKIE, guard, platform_of, session_of
from withcare.web.middleware import LANGUAGE_COOKIE, is_https
from withcare.web.templating import render

router = APIRouter(include_in_schema=False)
_ = i18n.gettext


def safe_next(target: str | None) -> str:
    """Only same-site relative paths, so the log-in page cannot be used to redirect elsewhere."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    platform = platform_of(request)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=is_https(request) or platform.settings.secure_cookies,
        max_age=platform.settings.session_hours * 3600,
        path="/",
    )


@router.get("/login")
async def login_form(
    request: Request, next: str = "/", actor: Actor | None = guard(Permission.PUBLIC)
) -> Response:
    if actor is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", next=safe_next(next), email="", error=None)


@router.post("/login")
async def login(
    request: Request,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
    _actor: Actor | None = guard(Permission.PUBLIC),
) -> Response:
    problems = {}
    if not email.strip():
        problems["email"] = _("Enter your e-mail address.")
    if not password:
        problems["password"] = _("Enter your password.")
    if problems:
        return render(
            request,
            "login.html",
            400,
            next=safe_next(next),
            email=email,
            error=None,
            problems=problems,
        )
    try:
        result = platform_of(request).accounts.authenticate(email, password)
    except LoginFailed as failure:
        return render(
            request,
            "login.html",
            400,
            next=safe_next(next),
            email=email,
            error=message_of(failure),
            problems={},
        )
    if result.needs_enrolment:
        target = "/login/enrol"
    elif result.needs_second_factor:
        target = "/login/second-factor?next=" + safe_next(next)
    else:
        target = safe_next(next)
    response = RedirectResponse(target, status_code=303)
    _set_session_cookie(request, response, result.token)
    return response


@router.get("/login/second-factor")
async def second_factor_form(
    request: Request,
    next: str = "/",
    _actor: Actor | None = guard(Permission.AUTHENTICATED, allow_partial_login=True),
) -> Response:
    return render(request, "second_factor.html", next=safe_next(next), error=None)


@router.post("/login/second-factor")
async def second_factor(
    request: Request,
    code: Annotated[str, Form(max_length=20)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
    _actor: Actor | None = guard(Permission.AUTHENTICATED, allow_partial_login=True),
) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    try:
        platform_of(request).accounts.complete_second_factor(token, code)
    except LoginFailed as failure:
        return render(
            request, "second_factor.html", 400, next=safe_next(next), error=message_of(failure)
        )
    return RedirectResponse(safe_next(next), status_code=303)


@router.get("/login/enrol")
async def enrol_form(
    request: Request,
    _actor: Actor | None = guard(Permission.AUTHENTICATED, allow_partial_login=True),
) -> Response:
    info = session_of(request)
    if info is None or not info.needs_enrolment:
        return RedirectResponse("/", status_code=303)
    secret = platform_of(request).accounts.begin_enrolment(request.cookies.get(SESSION_COOKIE, ""))
    return render(
        request,
        "enrol.html",
        secret=secret,
        uri=totp.provisioning_uri(secret, info.email),
        error=None,
    )


@router.post("/login/enrol")
async def enrol(
    request: Request,
    secret: Annotated[str, Form(min_length=16, max_length=64)],
    code: Annotated[str, Form(max_length=20)] = "",
    _actor: Actor | None = guard(Permission.AUTHENTICATED, allow_partial_login=True),
) -> Response:
    info = session_of(request)
    try:
        platform_of(request).accounts.confirm_enrolment(
            request.cookies.get(SESSION_COOKIE, ""), secret, code
        )
    except InvalidInput as error:
        return render(
            request,
            "enrol.html",
            400,
            secret=secret,
            uri=totp.provisioning_uri(secret, info.email if info else ""),
            error=problems_of(error).get("code", message_of(error)),
        )
    return RedirectResponse("/", status_code=303)


@router.post("/logout")
async def logout(
    request: Request,
    _actor: Actor | None = guard(Permission.AUTHENTICATED, allow_partial_login=True),
) -> Response:
    platform_of(request).accounts.logout(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login?logged_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language")
async def choose_language(
    request: Request,
    language: Annotated[str, Form(max_length=8)] = "en",
    next: Annotated[str, Form(max_length=500)] = "/",
    actor: Actor | None = guard(Permission.PUBLIC),
) -> Response:
    chosen = language if language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    if actor is not None:
        platform_of(request).accounts.set_language(actor, chosen)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        chosen,
        max_age=365 * 24 * 3600,
        samesite="lax",
        httponly=True,
        secure=is_https(request),
        path="/",
    )
    return response
