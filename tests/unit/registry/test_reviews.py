from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from withcare.domain.registry.reviews import (
    FeedbackResponseError,
    ModerationError,
    UserReview,
    publish,
    published,
    reject,
    respond_to_feedback,
)
from withcare.domain.registry.vocabulary import ReviewerKind, ReviewState
from withcare.domain.roles import Role

T0 = datetime(2026, 4, 1, tzinfo=UTC)


def review(rid: str = "r1", tech: str = "sleepio") -> UserReview:
    return UserReview(
        id=rid,
        technology_id=tech,
        reviewer_kind=ReviewerKind.LIVED_EXPERIENCE,
        author_ref="acct-7",
        rating=4,
        text="Helped me keep a sleep diary.",
        submitted_at=T0,
    )


def test_reviews_start_pending_and_are_hidden_until_published() -> None:
    pending = review()
    assert pending.state is ReviewState.PENDING
    assert published([pending], "sleepio") == []
    shown = publish(
        pending, moderator="ev", role=Role.TECHNOLOGY_EVALUATOR, at=T0 + timedelta(hours=1)
    )
    assert published([shown], "sleepio") == [shown]
    assert shown.moderated_by == "ev"


def test_only_moderators_moderate_and_only_once() -> None:
    with pytest.raises(ModerationError):
        publish(review(), moderator="c", role=Role.CLINICIAN, at=T0)
    done = publish(review(), moderator="a", role=Role.ADMIN, at=T0)
    with pytest.raises(ModerationError, match="already"):
        reject(done, moderator="a", role=Role.ADMIN, at=T0, reason="spam")


def test_rejection_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="reason"):
        reject(review(), moderator="a", role=Role.ADMIN, at=T0, reason="")
    rejected = reject(
        review(), moderator="a", role=Role.ADMIN, at=T0, reason="Names another person."
    )
    assert rejected.state is ReviewState.REJECTED
    assert rejected.moderation_reason == "Names another person."


def test_inconsistent_review_records_are_refused() -> None:
    with pytest.raises(ValidationError):
        UserReview.model_validate({**review().model_dump(), "state": "published"})


def test_what_changed_because_of_feedback() -> None:
    shown = publish(review(), moderator="a", role=Role.ADMIN, at=T0)
    response = respond_to_feedback(
        "fb-1",
        [shown],
        what_changed="Added a larger-text mode.",
        by="dev",
        at=T0 + timedelta(days=30),
    )
    assert response.review_ids == ("r1",)
    assert response.technology_id == "sleepio"
    with pytest.raises(FeedbackResponseError, match="published"):
        respond_to_feedback("fb-2", [review("r2")], what_changed="x", by="d", at=T0)
    other = publish(review("r3", tech="calm"), moderator="a", role=Role.ADMIN, at=T0)
    with pytest.raises(FeedbackResponseError, match="of this technology"):
        respond_to_feedback("fb-3", [shown, other], what_changed="x", by="d", at=T0)
