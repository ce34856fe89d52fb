"""JSON API for carers and proxy access: the same use cases as the pages, in the OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from withcare.security.authorisation import Actor, Permission
from withcare.services.carers import SCOPES, CarersView
from withcare.web.guard import guard, platform_of
from withcare.web.routes.api.v1 import ERRORS

router = APIRouter(prefix="/api/v1", responses=ERRORS, tags=["carers"])

_SCOPES_DOC = "What the carer may see, any of: " + ", ".join(SCOPES)


class ScopesIn(BaseModel):
    scopes: list[str] = Field(default_factory=list, max_length=10, description=_SCOPES_DOC)


class CodeIn(BaseModel):
    code: str = Field(default="", max_length=64, description="The code the person gave")


class CarerOut(BaseModel):
    grant_id: str
    carer_user_id: str
    carer_name: str
    scopes: list[str]
    granted_at: datetime


class InvitationOut(BaseModel):
    invitation_id: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime


class EndedOut(BaseModel):
    carer_name: str
    ended_at: datetime
    ended_by: Literal["person", "carer"] = Field(
        description="Who ended it: the person, or the carer stepping away"
    )


class CarersOut(BaseModel):
    person_id: str
    proxy_access_allowed: bool = Field(
        description="The person's proxy-access consent item; without it carers see nothing"
    )
    carers: list[CarerOut]
    invitations: list[InvitationOut] = Field(description="Waiting invitations (the person only)")
    ended: list[EndedOut] = Field(
        description="Access that ended in the last 30 days, newest first, one per carer"
    )


class NewInvitationOut(BaseModel):
    invitation_id: str
    code: str = Field(description="Shown in this response only; give it to the carer")
    scopes: list[str]
    expires_at: datetime


class LinkedOut(BaseModel):
    person_id: str
    grant_id: str
    scopes: list[str]


def _out(view: CarersView) -> CarersOut:
    return CarersOut(
        person_id=view.person_id,
        proxy_access_allowed=view.proxy_access_allowed,
        carers=[
            CarerOut(
                grant_id=c.grant_id,
                carer_user_id=c.carer_user_id,
                carer_name=c.carer_name,
                scopes=list(c.scopes),
                granted_at=c.granted_at,
            )
            for c in view.carers
        ],
        invitations=[
            InvitationOut(
                invitation_id=i.invitation_id,
                scopes=list(i.scopes),
                created_at=i.created_at,
                expires_at=i.expires_at,
            )
            for i in view.invitations
        ]
        if view.can_manage
        else [],
        ended=[
            EndedOut(carer_name=e.carer_name, ended_at=e.ended_at, ended_by=e.ended_by)
            for e in view.ended
        ],
    )


@router.get("/people/{person_id}/carers", response_model=CarersOut)
async def carers(
    request: Request, person_id: str, actor: Actor | None = guard(Permission.PERSON_CARERS_READ)
) -> CarersOut:
    """Who can act for the person and what each can see (the person and their care team)."""
    return _out(platform_of(request).carers.overview(actor, person_id))


@router.post(
    "/people/{person_id}/carers/invitations", response_model=NewInvitationOut, status_code=201
)
async def invite(
    request: Request,
    person_id: str,
    body: ScopesIn | None = None,
    actor: Actor | None = guard(Permission.PERSON_CARERS_MANAGE),
) -> NewInvitationOut:
    """A one-time code for a new carer, valid for 7 days (the person only)."""
    made = platform_of(request).carers.invite(actor, person_id, body.scopes if body else [])
    return NewInvitationOut(
        invitation_id=made.invitation_id,
        code=made.code,
        scopes=list(made.scopes),
        expires_at=made.expires_at,
    )


@router.delete("/people/{person_id}/carers/invitations/{invitation_id}", status_code=204)
async def cancel_invitation(
    request: Request,
    person_id: str,
    invitation_id: str,
    actor: Actor | None = guard(Permission.PERSON_CARERS_MANAGE),
) -> Response:
    """Cancel a waiting invitation: its code stops working (the person only)."""
    platform_of(request).carers.cancel_invitation(actor, person_id, invitation_id)
    return Response(status_code=204)


@router.put("/people/{person_id}/carers/{grant_id}/scopes", response_model=ScopesIn)
async def change_scopes(
    request: Request,
    person_id: str,
    grant_id: str,
    body: ScopesIn | None = None,
    actor: Actor | None = guard(Permission.PERSON_CARERS_MANAGE),
) -> ScopesIn:
    """Change what a carer sees; it applies to their next request (the person only)."""
    chosen = platform_of(request).carers.change_scopes(
        actor, person_id, grant_id, body.scopes if body else []
    )
    return ScopesIn(scopes=list(chosen))


@router.delete("/people/{person_id}/carers/{grant_id}", status_code=204)
async def stop(
    request: Request,
    person_id: str,
    grant_id: str,
    actor: Actor | None = guard(Permission.PERSON_CARERS_MANAGE),
) -> Response:
    """Stop a carer's access now (the person only)."""
    platform_of(request).carers.stop(actor, person_id, grant_id)
    return Response(status_code=204)


@router.post("/carer/link", response_model=LinkedOut, status_code=201)
async def link(
    request: Request, body: CodeIn, actor: Actor | None = guard(Permission.CARER_LINK)
) -> LinkedOut:
    """A carer account enters a person's code. Wrong, used, cancelled and expired codes get one
    answer (422); more than 5 in an hour and even a right code waits."""
    linked = platform_of(request).carers.link(actor, body.code)
    return LinkedOut(
        person_id=linked.person_id, grant_id=linked.grant_id, scopes=list(linked.scopes)
    )


@router.delete("/carer/people/{person_id}", status_code=204)
async def step_away(
    request: Request,
    person_id: str,
    actor: Actor | None = guard(Permission.PERSON_CARER_STEP_AWAY),
) -> Response:
    """A carer stops acting for a person, at once (to act again they need a new code). 403 when
    they do not act for this person (or no longer)."""
    platform_of(request).carers.step_away(actor, person_id)
    return Response(status_code=204)
