"""Pydantic shapes of the JSON API: what goes in, what comes out (and so the OpenAPI description)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from withcare.domain.care.modes import ContactMode
from withcare.services.pagination import Page

T = TypeVar("T")


class Problem(BaseModel):
    """Every API error: a sentence for people, and per-field details for forms and programs."""

    error: str
    problems: dict[str, str] = Field(default_factory=dict)


def error_responses(
    *, forbidden: str = "No access", not_found: str | None = "Not found"
) -> dict[int | str, dict[str, object]]:
    """The error answers a router documents in OpenAPI, each with a :class:`Problem` body (the
    handlers in ``withcare.web.errors`` give every one of them that shape)."""
    answers: dict[int | str, dict[str, object]] = {
        401: {"model": Problem, "description": "Not logged in"},
        403: {"model": Problem, "description": forbidden},
    }
    if not_found is not None:
        answers[404] = {"model": Problem, "description": not_found}
    answers[422] = {"model": Problem, "description": "Invalid input"}
    return answers


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int
    pages: int

    @classmethod
    def of(cls, result: Page[Any], items: list[T]) -> Self:
        """One page of a service's results, its items already turned into their API shape."""
        return cls(
            items=items,
            page=result.page,
            per_page=result.per_page,
            total=result.total,
            pages=result.pages,
        )


class MeOut(BaseModel):
    user_id: str
    role: str
    display_name: str
    person_id: str | None


class CaseloadItem(BaseModel):
    person_id: str
    name: str
    team: str
    named_clinician: str
    episode_start: date | None
    last_contact: datetime | None


class EpisodeOut(BaseModel):
    id: str
    team: str
    named_clinician: str
    referral_source: str
    referral_date: date
    start_date: date | None
    end_date: date | None
    discharge_reason: str | None


class ContactOut(BaseModel):
    id: str
    occurred_at: datetime
    mode: ContactMode
    duration_minutes: int
    clinician: str
    is_human: bool


class PersonOut(BaseModel):
    person_id: str
    given_name: str
    family_name: str
    date_of_birth: date
    preferred_language: str
    episodes: list[EpisodeOut]
    contacts: list[ContactOut]


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    occurred_at: datetime = Field(description="When it happened, with a time zone.")
    mode: ContactMode
    duration_minutes: int = Field(ge=0, le=24 * 60)


class AccessEntryOut(BaseModel):
    at: datetime
    who: str
    role: str
    action: str
    reason: str


class CountOut(BaseModel):
    value: int | None = Field(description="null when fewer than the small-number threshold")
    suppressed: bool


class TeamFiguresOut(BaseModel):
    team: str
    open_episodes: CountOut
    referrals_last_90_days: CountOut
    self_referrals_last_90_days: CountOut


class ServiceOverviewOut(BaseModel):
    teams: list[TeamFiguresOut]
    contacts_last_30_days_by_mode: dict[str, CountOut]
    human_share_last_30_days: float | None
