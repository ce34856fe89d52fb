"""Cross-cutting HTTP behaviour: security headers, CSRF seed cookie, language, privacy-safe logs."""

from __future__ import annotations

import logging
import time

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from withcare.security.tokens import new_token
from withcare.web import i18n

log = logging.getLogger("withcare.web")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
CSRF_COOKIE = "wc_csrf"
LANGUAGE_COOKIE = "wc_lang"


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


class HttpMiddleware(BaseHTTPMiddleware):
    """Runs around every request.

    Logs carry the *route template* (``/people/{person_id}``), never the concrete path or query, so
    no identifier or search term of a person reaches a log file.
    """

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        started = time.perf_counter()
        seed = request.cookies.get(CSRF_COOKIE)
        new_seed = None
        if not seed:
            seed = new_seed = new_token()
        request.state.csrf_seed = seed
        i18n.set_language(
            i18n.negotiate(
                request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language")
            )
        )
        response = await call_next(request)
        secure = is_https(request) or request.app.state.platform.settings.secure_cookies
        if new_seed:
            response.set_cookie(
                CSRF_COOKIE, new_seed, httponly=True, samesite="strict", secure=secure, path="/"
            )
        headers = response.headers
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if secure:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if "cache-control" not in headers and not request.url.path.startswith("/static/"):
            headers["Cache-Control"] = "no-store"
        log.info(
            "%s %s -> %s in %.0f ms",
            request.method,
            _route_template(request),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response


def _route_template(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", "(unmatched)"))
