"""Reviews by people with lived experience, carers and professionals (P8), and their moderation.

A review is pending until a moderator publishes or rejects it, and a rejection must say why (the
reviewer is owed a reason). Reviews are never mixed with professional assessments
(:class:`~withcare.domain.registry.model.ProfessionalAssessment`): a person's experience and an
evaluator's judgement answer different questions.

"What changed because of feedback" is a first-class record: a developer or the service writes
what they did in response to one or more published reviews, so reviewers can see their effect.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, model_validator

from withcare.domain.registry.model import LongText, Record, RecordId, ShortText
from withcare.domain.registry.vocabulary import ReviewerKind, ReviewState
from withcare.domain.roles import Role
from withcare.messages import N_

#: Roles allowed to moderate reviews before publication.
MODERATOR_ROLES = frozenset({Role.TECHNOLOGY_EVALUATOR, Role.ADMIN})


class ModerationError(PermissionError):
    """Raised for a moderation step that is not allowed (wrong role or wrong state). ``message`` is
    a catalogue msgid (marked with ``N_``) that says what to do, for the service to show in the
    reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FeedbackResponseError(ValueError):
    """A response to feedback that cannot be recorded as asked. ``message`` is a catalogue msgid
    (marked with ``N_``) that says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UserReview(Record):
    id: RecordId
    technology_id: RecordId
    reviewer_kind: ReviewerKind
    #: An opaque reference to the reviewer's account, never their name.
    author_ref: ShortText
    rating: Annotated[int, Field(ge=1, le=5)] | None = None
    text: LongText
    submitted_at: datetime
    state: ReviewState = ReviewState.PENDING
    moderated_by: ShortText | None = None
    moderated_at: datetime | None = None
    moderation_reason: LongText | None = None

    @model_validator(mode="after")
    def _moderation_consistent(self) -> UserReview:
        moderated = self.moderated_by is not None and self.moderated_at is not None
        if (self.state is ReviewState.PENDING) == moderated:
            raise ValueError(
                "only a moderated review has a moderator and time, and it must have both"
            )
        if self.state is ReviewState.REJECTED and not self.moderation_reason:
            raise ValueError("a rejected review must say why")
        return self


def _moderate(
    review: UserReview,
    state: ReviewState,
    *,
    moderator: str,
    role: Role,
    at: datetime,
    reason: str | None,
) -> UserReview:
    if role not in MODERATOR_ROLES:
        raise ModerationError(
            N_("Only a technology evaluator or an administrator can moderate reviews.")
        )
    if review.state is not ReviewState.PENDING:
        raise ModerationError(
            N_(
                "This review has already been published or rejected. Reload the page to see the "
                "reviews still waiting."
            )
        )
    if at < review.submitted_at:
        raise ValueError("a review cannot be moderated before it was submitted")
    return UserReview.model_validate(
        {
            **review.model_dump(),
            "state": state,
            "moderated_by": moderator,
            "moderated_at": at,
            "moderation_reason": reason,
        }
    )


def publish(review: UserReview, *, moderator: str, role: Role, at: datetime) -> UserReview:
    return _moderate(
        review, ReviewState.PUBLISHED, moderator=moderator, role=role, at=at, reason=None
    )


def reject(
    review: UserReview, *, moderator: str, role: Role, at: datetime, reason: str
) -> UserReview:
    if not reason.strip():
        raise ValueError("rejecting a review needs a reason the reviewer can read")
    return _moderate(
        review, ReviewState.REJECTED, moderator=moderator, role=role, at=at, reason=reason.strip()
    )


def published(reviews: list[UserReview], technology_id: str) -> list[UserReview]:
    """What the public page shows: published reviews only, newest first."""
    chosen = [
        r for r in reviews if r.technology_id == technology_id and r.state is ReviewState.PUBLISHED
    ]
    return sorted(chosen, key=lambda r: r.submitted_at, reverse=True)


class FeedbackResponse(Record):
    """What changed because of feedback (P8), linked to the reviews that prompted it."""

    id: RecordId
    technology_id: RecordId
    review_ids: Annotated[tuple[RecordId, ...], Field(min_length=1)]
    what_changed: LongText
    recorded_by: ShortText
    recorded_at: datetime


def respond_to_feedback(
    response_id: str,
    reviews: list[UserReview],
    *,
    what_changed: str,
    by: str,
    at: datetime,
) -> FeedbackResponse:
    """Record a change made because of published reviews of one technology."""
    if not reviews:
        raise FeedbackResponseError(N_("Tick the reviews that led to the change."))
    technologies = {r.technology_id for r in reviews}
    if len(technologies) != 1 or any(r.state is not ReviewState.PUBLISHED for r in reviews):
        raise FeedbackResponseError(N_("Tick only published reviews of this technology."))
    return FeedbackResponse(
        id=response_id,
        technology_id=technologies.pop(),
        review_ids=tuple(r.id for r in reviews),
        what_changed=what_changed,
        recorded_by=by,
        recorded_at=at,
    )
