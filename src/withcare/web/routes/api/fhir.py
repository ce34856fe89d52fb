"""FHIR R4 for measures: Questionnaires, QuestionnaireResponses, score Observations, Bundles.

Served under ``/api/fhir`` (in the OpenAPI description, with the JSON API's errors) and, for FHIR
clients that expect it, the same operations under ``/fhir`` (not repeated in the description).
Every resource is built and validated by ``fhir.resources`` (R4B models) in the measures library.
Person resources live under ``Patient/{person_id}`` so the care relationship is checked for each.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from withcare.domain.measures import INSTRUMENT_IDS, all_instruments
from withcare.domain.measures import fhir as measures_fhir
from withcare.security.authorisation import Actor, Permission
from withcare.services.errors import InvalidInput, NotFound
from withcare.web.guard import actor_of, guard, platform_of
from withcare.web.routes.api.schemas import error_responses

FHIR_JSON = "application/fhir+json"
ERRORS = error_responses(forbidden="No access, or the person declined (consent)")
RESOURCE: dict[int | str, dict[str, Any]] = {
    200: {"content": {FHIR_JSON: {"schema": {"type": "object"}}}}
}
QUESTIONNAIRE_RESPONSE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "A FHIR R4 QuestionnaireResponse for one of the "
                    "Questionnaires served here (answers as valueCoding or valueInteger).",
                    "properties": {
                        "resourceType": {"type": "string", "enum": ["QuestionnaireResponse"]},
                        "questionnaire": {"type": "string"},
                        "status": {"type": "string"},
                        "authored": {"type": "string", "format": "date-time"},
                        "item": {"type": "array", "items": {"type": "object"}},
                    },
                    "required": ["resourceType", "questionnaire", "status"],
                }
            }
        },
    }
}


def fhir(resource: dict[str, Any], status_code: int = 200) -> JSONResponse:
    return JSONResponse(resource, status_code=status_code, media_type=FHIR_JSON)


def _person_access(permission: Permission) -> Any:
    async def check(request: Request, person_id: str) -> None:
        platform_of(request).measures.require_access(actor_of(request), person_id, permission)

    return Depends(check)


def build_router(prefix: str, *, in_schema: bool) -> APIRouter:
    router = APIRouter(prefix=prefix, responses=ERRORS, tags=["fhir"], include_in_schema=in_schema)

    def base_url(request: Request) -> str:
        return str(request.base_url).rstrip("/") + prefix

    @router.get("/Questionnaire", responses=RESOURCE)
    async def questionnaires(
        request: Request, actor: Actor | None = guard(Permission.PUBLIC)
    ) -> JSONResponse:
        """Every instrument as a Questionnaire, in a searchset Bundle."""
        base = base_url(request)
        entries = [
            {
                "fullUrl": measures_fhir.questionnaire_url(i.id, base),
                "resource": measures_fhir.questionnaire(i.id, base).model_dump(
                    mode="json", exclude_none=True
                ),
            }
            for i in all_instruments()
        ]
        bundle = {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(entries),
            "entry": entries,
        }
        return fhir(bundle)

    @router.get("/Questionnaire/{questionnaire_id}", responses=RESOURCE)
    async def questionnaire(
        request: Request, questionnaire_id: str, actor: Actor | None = guard(Permission.PUBLIC)
    ) -> JSONResponse:
        """One instrument as a Questionnaire (ids use '-' for '_', e.g. ``audit-c``)."""
        key = questionnaire_id.replace("-", "_")
        if key not in INSTRUMENT_IDS:
            raise NotFound("There is no Questionnaire with that id.")
        resource = measures_fhir.questionnaire(key, base_url(request))
        return fhir(resource.model_dump(mode="json", exclude_none=True))

    @router.get("/Patient/{person_id}/QuestionnaireResponse/{response_id}", responses=RESOURCE)
    async def questionnaire_response(
        request: Request,
        person_id: str,
        response_id: str,
        actor: Actor | None = guard(Permission.PERSON_MEASURES_READ),
    ) -> JSONResponse:
        resource = platform_of(request).measures.fhir_response(
            actor, person_id, response_id, base_url(request)
        )
        return fhir(resource)

    @router.get("/Patient/{person_id}/Observation/{response_id}", responses=RESOURCE)
    async def observation(
        request: Request,
        person_id: str,
        response_id: str,
        actor: Actor | None = guard(Permission.PERSON_MEASURES_READ),
    ) -> JSONResponse:
        """The score of one QuestionnaireResponse (LOINC-coded where a code exists)."""
        resource = platform_of(request).measures.fhir_observation(
            actor, person_id, response_id.removesuffix("-score"), base_url(request)
        )
        return fhir(resource)

    @router.get("/Patient/{person_id}/measures", responses=RESOURCE)
    async def bundle(
        request: Request,
        person_id: str,
        actor: Actor | None = guard(Permission.PERSON_MEASURES_READ),
    ) -> JSONResponse:
        """All of a person's completed questionnaires and their scores, as a collection Bundle."""
        resource = platform_of(request).measures.fhir_bundle(actor, person_id, base_url(request))
        return fhir(resource)

    @router.post(
        "/Patient/{person_id}/QuestionnaireResponse",
        status_code=201,
        responses={201: RESOURCE[200]},
        openapi_extra=QUESTIONNAIRE_RESPONSE_BODY,
    )
    async def accept_response(
        request: Request,
        person_id: str,
        actor: Actor | None = guard(Permission.PERSON_MEASURES_READ),
        _access: None = _person_access(Permission.PERSON_MEASURES_READ),
    ) -> JSONResponse:
        """Validate, score and store a completed QuestionnaireResponse; returns it as stored.

        The person may send their own; their care team may send one for them.
        """
        try:
            body = json.loads(await request.body() or b"null")
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput("The body is not JSON.", {"body": "Send a JSON object."}) from None
        if not isinstance(body, dict):
            raise InvalidInput("Send a QuestionnaireResponse.", {"body": "Send a JSON object."})
        measures = platform_of(request).measures
        outcome = measures.import_fhir_response(actor, person_id, body)
        stored = measures.fhir_response(
            actor, person_id, outcome.administration.id, base_url(request)
        )
        response = fhir(stored, 201)
        response.headers["Location"] = (
            f"{base_url(request)}/Patient/{person_id}/QuestionnaireResponse/{stored['id']}"
        )
        return response

    return router


router = build_router("/api/fhir", in_schema=True)
plain_router = build_router("/fhir", in_schema=False)
