"""The application factory: one FastAPI app around one :class:`Platform`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from withcare.services.platform import Platform
from withcare.web import errors
from withcare.web.middleware import HttpMiddleware
from withcare.web.routes.api import registry as registry_api
from withcare.web.routes.api import v1
from withcare.web.routes.pages import admin, auth, home, people
from withcare.web.routes.pages import measures as measures_pages
from withcare.web.routes.pages import registry as registry_pages

STATIC = Path(__file__).parent / "static"


def create_app(platform: Platform) -> FastAPI:
    app = FastAPI(
        title="Withcare API",
        version="1",
        description=(
            "JSON API of Withcare. Log in through /login to get a session cookie; "
            "state-changing requests need the X-CSRF-Token header from GET /api/v1/me."
        ),
        docs_url=None,  # Swagger UI needs inline scripts and a CDN: neither fits our CSP
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.platform = platform
    app.add_middleware(HttpMiddleware)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (auth.router, home.router, people.router, admin.router, v1.router):
        app.include_router(router)
    app.include_router(registry_pages.router)  # technology registry (issue 6)
    app.include_router(registry_api.router)
    app.include_router(measures_pages.router)  # measurement-based care (issue 3)
    from withcare.web.routes.api import fhir as fhir_api
    from withcare.web.routes.api import measures as measures_api

    for measures_router in (measures_api.router, fhir_api.router, fhir_api.plain_router):
        app.include_router(measures_router)
    from withcare.web.routes.api import consent as consent_api  # consent, privacy (issue 5)
    from withcare.web.routes.pages import consent as consent_pages
    from withcare.web.routes.pages import privacy as privacy_pages

    for issue5 in (consent_pages.router, privacy_pages.router, consent_api.router):
        app.include_router(issue5)
    from withcare.web.routes.pages import safety as safety_pages  # safety (issue 4)

    safety_pages.install(app)
    from withcare.web.routes.pages import sensing as sensing_pages  # smartphone sensing (issue 7)

    app.include_router(sensing_pages.router)
    from withcare.web.routes.api import carers as carers_api  # carers and proxy access
    from withcare.web.routes.pages import carers as carers_pages

    app.include_router(carers_pages.router)
    app.include_router(carers_api.router)
    return app
