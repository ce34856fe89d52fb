"""Every route declares its permission with :func:`guard`; this is where the web enforces it.

``guard(Permission.X)`` resolves the session, refuses the anonymous and half-logged-in, checks the
role part of authorisation and, for state-changing methods, the CSRF token. The relationship part
(which person) is checked again by the service, so forgetting nothing here can expose a record.
A test walks every registered route and fails if one has no guard.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request

from withcare.security.authorisation import (
    AccessDenied,
    Actor,
    NotAuthenticated,
    Permission,
    authorise,
)
from withcare.security.tokens import csrf_token_for, csrf_valid
from withcare.services.accounts import SessionInfo
from withcare.services.platform import Platform
from withcare.web.i18n import LANGUAGES, set_language

SESSION_COOKIE = "wc_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class SecondFactorNeeded(Exception):
    """A staff member has given a password but not yet the one-time code."""

    def __init__(self, enrol: bool) -> None:
        super().__init__("second factor needed")
        self.enrol = enrol


class CsrfFailed(Exception):
    pass


def platform_of(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def session_of(request: Request) -> SessionInfo | None:
    """The request's session (resolved once per request)."""
    if not hasattr(request.state, "session_info"):
        found = platform_of(request).accounts.resolve_session(request.cookies.get(SESSION_COOKIE))
        request.state.session_info = found
        chosen_here = "wc_lang" in request.cookies
        if found is not None and found.complete and not chosen_here:
            set_language(
                found.preferred_language if found.preferred_language in LANGUAGES else "en"
            )
    info: SessionInfo | None = request.state.session_info
    return info


def actor_of(request: Request) -> Actor | None:
    info = session_of(request)
    return info.actor if info is not None and info.complete else None


def csrf_token(request: Request) -> str:
    return csrf_token_for(platform_of(request).settings.secret_key, request.state.csrf_seed)


async def check_csrf(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    seed = request.cookies.get("wc_csrf")
    if not csrf_valid(platform_of(request).settings.secret_key, seed, submitted):
        raise CsrfFailed()


class Guard:
    """The dependency callable; ``permission`` is read by the route-walking test."""

    def __init__(self, permission: Permission, allow_partial_login: bool = False) -> None:
        self.permission = permission
        self.allow_partial_login = allow_partial_login

    async def __call__(self, request: Request) -> Actor | None:
        if self.permission is Permission.PUBLIC:
            await check_csrf(request)
            return actor_of(request)
        # Who is asking comes first: someone not logged in is told to log in (nothing changes
        # either way), and only a session's own requests are checked for a forged CSRF token.
        info = session_of(request)
        if info is None:
            raise NotAuthenticated()
        if not info.complete and not self.allow_partial_login:
            raise SecondFactorNeeded(enrol=info.needs_enrolment)
        await check_csrf(request)
        authorise(info.actor, self.permission)
        return info.actor


def guard(permission: Permission, *, allow_partial_login: bool = False) -> Any:
    """``actor = guard(Permission.X)`` as a default argument of a route handler."""
    return Depends(Guard(permission, allow_partial_login))


__all__ = [
    "SESSION_COOKIE",
    "AccessDenied",
    "CsrfFailed",
    "Guard",
    "SecondFactorNeeded",
    "actor_of",
    "csrf_token",
    "guard",
    "session_of",
]
