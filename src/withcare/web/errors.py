"""Errors become helpful pages (HTML) or problem documents (JSON); never a stack trace.

Only the error's *type* is logged for unexpected failures: exception messages can carry personal
data (a name in a constraint message, say), so they stay out of the logs.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from withcare.domain.consent import ConsentRequired
from withcare.security.authorisation import AccessDenied, NotAuthenticated
from withcare.services.errors import Conflict, InvalidInput, NotFound, WithcareError
from withcare.web import i18n
from withcare.web.forms import message_of
from withcare.web.guard import CsrfFailed, SecondFactorNeeded
from withcare.web.templating import render

log = logging.getLogger("withcare.web")
_ = i18n.gettext


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def problem(status: int, message: str, problems: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "problems": problems or {}}, status_code=status)


def page(request: Request, status: int, title: str, message: str) -> Response:
    return render(request, "error.html", status, status=status, title=title, message=message)


def _field(loc: tuple[object, ...] | list[object]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form")]
    return ".".join(parts) or "request"


def install(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        if wants_json(request):
            return problem(401, "Log in first: send the session cookie from /login.")
        target = request.url.path
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(SecondFactorNeeded)
    async def second_factor(request: Request, exc: SecondFactorNeeded) -> Response:
        if wants_json(request):
            return problem(401, "Finish logging in with your one-time code first.")
        target = "/login/enrol" if exc.enrol else f"/login/second-factor?next={request.url.path}"
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(AccessDenied)
    async def denied(request: Request, exc: AccessDenied) -> Response:
        if wants_json(request):
            return problem(403, exc.message)
        return page(
            request,
            403,
            _("You do not have access to this page"),
            _(
                "Your account cannot open this page. If you think it should, ask your service's "
                "administrator. If you need help now, use the crisis contacts."
            ),
        )

    @app.exception_handler(ConsentRequired)
    async def consent_required(request: Request, exc: ConsentRequired) -> Response:
        if wants_json(request):
            return problem(403, str(exc), {"consent": f"{exc.purpose.value}:{exc.stream.value}"})
        return page(
            request,
            403,
            _("This needs the person's consent"),
            _(
                "This part of the record is not used, because the person has not agreed to it "
                "(or has withdrawn). Their care continues; they can change their choice on their "
                "consent page at any time."
            ),
        )

    @app.exception_handler(CsrfFailed)
    async def csrf(request: Request, exc: CsrfFailed) -> Response:
        if wants_json(request):
            return problem(403, "Missing or wrong X-CSRF-Token header; GET /api/v1/me gives it.")
        return page(
            request,
            403,
            _("Please try again"),
            _(
                "This form was out of date or came from somewhere else, so nothing was saved. "
                "Go back, reload the page and send it again."
            ),
        )

    @app.exception_handler(InvalidInput)
    async def invalid(request: Request, exc: InvalidInput) -> Response:
        if wants_json(request):
            return problem(422, exc.message, exc.problems)
        return page(request, 422, _("Please check what you entered"), message_of(exc))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        if wants_json(request):
            return problem(404, exc.message)
        return page(request, 404, _("Page not found"), message_of(exc))

    @app.exception_handler(Conflict)
    async def conflict(request: Request, exc: Conflict) -> Response:
        if wants_json(request):
            return problem(409, exc.message)
        return page(request, 409, _("That could not be done"), message_of(exc))

    @app.exception_handler(WithcareError)
    async def other(request: Request, exc: WithcareError) -> Response:
        if wants_json(request):
            return problem(400, exc.message)
        return page(request, 400, _("That could not be done"), message_of(exc))

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, exc: RequestValidationError) -> Response:
        problems = {_field(e.get("loc", ())): str(e.get("msg", "invalid")) for e in exc.errors()}
        if wants_json(request):
            return problem(422, "Some of the input is not valid; see problems.", problems)
        return page(
            request,
            422,
            _("Please check what you entered"),
            _("Some of what was sent is not valid: ")
            + "; ".join(f"{k}: {v}" for k, v in problems.items()),
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_json(request):
            return problem(exc.status_code, str(exc.detail))
        if exc.status_code == 404:
            return page(
                request,
                404,
                _("Page not found"),
                _("There is no page at this address. Check the address, or go to the home page."),
            )
        if exc.status_code == 405:
            return page(
                request, 405, _("That did not work"), _("This page cannot be used that way.")
            )
        return page(request, exc.status_code, _("That did not work"), str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("unexpected %s while handling a request", type(exc).__name__)
        if wants_json(request):
            return problem(500, "Something went wrong on our side. Nothing you sent was lost.")
        return page(
            request,
            500,
            _("Something went wrong"),
            _(
                "Something went wrong on our side and has been logged. Please try again. If you "
                "need help now, use the crisis contacts below."
            ),
        )
