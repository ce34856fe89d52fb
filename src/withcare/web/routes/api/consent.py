"""JSON API for consent and data rights: FHIR R4 Consent resources and the person's data Bundle."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from withcare.security.authorisation import Actor, Permission
from withcare.web.guard import guard, platform_of
from withcare.web.routes.api.v1 import ERRORS

router = APIRouter(prefix="/api/v1", responses=ERRORS)


@router.get("/people/{person_id}/consent/fhir", tags=["privacy"])
async def consent_fhir(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_READ)
) -> dict[str, Any]:
    """The person's consent decisions as a FHIR R4 Bundle of validated Consent resources."""
    resources = platform_of(request).consent.fhir_consents(actor, person_id)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


@router.get("/people/{person_id}/export", tags=["privacy"])
async def export(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_DATA_EXPORT)
) -> dict[str, Any]:
    """Everything held about the person, as a validated FHIR R4 Bundle (the person only)."""
    return platform_of(request).privacy.export(actor, person_id).bundle
