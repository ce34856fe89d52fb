"""Reviews by people and professionals (P8): submission, moderation, and responses to feedback."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from withcare.db.models.registry import RegistryFeedbackResponse, RegistryReview, RegistryTechnology
from withcare.db.types import new_id
from withcare.domain.registry.reviews import (
    FeedbackResponseError,
    ModerationError,
    UserReview,
    publish,
    reject,
    respond_to_feedback,
)
from withcare.domain.registry.vocabulary import ReviewState
from withcare.security.authorisation import Actor, Permission, authorise
from withcare.services.errors import N_, InvalidInput, NotFound
from withcare.services.registry.base import RegistryBase
from withcare.services.registry.limits import MAX_REVIEW_CHARS
from withcare.services.registry.storage import _review_from_row, _reviewer_kind
from withcare.services.registry.views import ReviewView


class ReviewsMixin(RegistryBase):
    """Reviews written by a person, moderated before they are published."""

    def submit_review(
        self, actor: Actor | None, technology_id: str, *, rating: int | None, text: str
    ) -> str:
        authorise(actor, Permission.AUTHENTICATED)
        assert actor is not None
        problems: dict[str, str] = {}
        if rating is not None and not 1 <= rating <= 5:
            problems["rating"] = N_("Choose a rating from 1 to 5, or leave it out.")
        if not text.strip():
            problems["text"] = N_("Write your review.")
        elif len(text) > MAX_REVIEW_CHARS:
            problems["text"] = N_("Keep your review under %(max)d characters.")
        if problems:
            raise InvalidInput(
                N_("Your review was not sent."), problems, params={"max": MAX_REVIEW_CHARS}
            )
        with self._platform.unit_of_work(actor) as uow:
            self._require_technology(uow.session, technology_id)
            row = RegistryReview(
                technology_id=technology_id,
                reviewer_kind=_reviewer_kind(actor.role).value,
                author_ref=actor.user_id,
                person_id=actor.person_id,
                rating=rating,
                text=text.strip(),
                submitted_at=uow.clock.now(),
                state=ReviewState.PENDING.value,
            )
            uow.session.add(row)
            uow.session.flush()
            uow.audit.record(
                actor,
                "registry.review.create",
                subject_type="registry_review",
                subject_id=row.id,
                person_id=actor.person_id,
                reason="involvement",
                details={"technology": technology_id},
            )
            return row.id

    def pending_reviews(self, actor: Actor | None) -> list[ReviewView]:
        authorise(actor, Permission.REGISTRY_EVALUATE)
        with self._platform.unit_of_work(actor) as uow:
            names = dict(
                uow.session.execute(select(RegistryTechnology.id, RegistryTechnology.name)).all()
            )
            rows = list(
                uow.session.execute(
                    select(RegistryReview)
                    .where(RegistryReview.state == ReviewState.PENDING.value)
                    .order_by(RegistryReview.submitted_at)
                ).scalars()
            )
            for row in rows:
                uow.audit.record(
                    actor,
                    "registry.review.read",
                    subject_type="registry_review",
                    subject_id=row.id,
                    person_id=row.person_id,
                    reason="moderation",
                )
            return [ReviewView(_review_from_row(r), names.get(r.technology_id, "")) for r in rows]

    def moderate(
        self, actor: Actor | None, review_id: str, *, decision: str, reason: str = ""
    ) -> UserReview:
        authorise(actor, Permission.REGISTRY_EVALUATE)
        assert actor is not None
        if decision not in ("publish", "reject"):
            raise InvalidInput(
                N_("Choose whether to publish or reject."),
                {"decision": N_("Choose publish or reject.")},
            )
        if decision == "reject" and not reason.strip():
            raise InvalidInput(
                N_("A rejection needs a reason the reviewer can read."),
                {"reason": N_("Say why the review is not published.")},
            )
        if len(reason) > MAX_REVIEW_CHARS:
            raise InvalidInput(
                N_("The reason is too long."),
                {"reason": N_("Use under %(max)d characters.")},
                params={"max": MAX_REVIEW_CHARS},
            )
        with self._platform.unit_of_work(actor) as uow:
            row = uow.session.get(RegistryReview, review_id)
            if row is None:
                raise NotFound(N_("There is no review with this id."))
            review = _review_from_row(row)
            now = max(uow.clock.now(), review.submitted_at)
            try:
                if decision == "publish":
                    done = publish(review, moderator=actor.user_id, role=actor.role, at=now)
                else:
                    done = reject(
                        review, moderator=actor.user_id, role=actor.role, at=now, reason=reason
                    )
            except ModerationError as error:
                raise InvalidInput(error.message, {"decision": error.message}) from None
            row.state = done.state.value
            row.moderated_by = done.moderated_by
            row.moderated_at = done.moderated_at
            row.moderation_reason = done.moderation_reason
            uow.audit.record(
                actor,
                "registry.review.moderate",
                subject_type="registry_review",
                subject_id=row.id,
                person_id=row.person_id,
                reason="moderation",
                details={"decision": decision},
            )
            return done

    def respond_to_reviews(
        self,
        actor: Actor | None,
        technology_id: str,
        *,
        review_ids: Sequence[str],
        what_changed: str,
    ) -> str:
        """Record what changed because of published reviews (P8), shown on the public page."""
        authorise(actor, Permission.REGISTRY_EVALUATE)
        assert actor is not None
        problems: dict[str, str] = {}
        if not review_ids:
            problems["review_ids"] = N_("Tick the reviews that led to the change.")
        if not what_changed.strip():
            problems["what_changed"] = N_("Say what changed.")
        elif len(what_changed) > MAX_REVIEW_CHARS:
            problems["what_changed"] = N_("Keep it under %(max)d characters.")
        if problems:
            raise InvalidInput(
                N_("Nothing was recorded."), problems, params={"max": MAX_REVIEW_CHARS}
            )
        with self._platform.unit_of_work(actor) as uow:
            self._require_technology(uow.session, technology_id)
            rows = [uow.session.get(RegistryReview, rid) for rid in dict.fromkeys(review_ids)]
            reviews = [
                _review_from_row(r)
                for r in rows
                if r is not None and r.technology_id == technology_id
            ]
            if len(reviews) != len(rows):
                raise InvalidInput(
                    N_("Some reviews are not reviews of this technology."),
                    {"review_ids": N_("Tick only published reviews of this technology.")},
                )
            try:
                response = respond_to_feedback(
                    new_id(),
                    reviews,
                    what_changed=what_changed.strip(),
                    by=actor.user_id,
                    at=uow.clock.now(),
                )
            except FeedbackResponseError as error:
                raise InvalidInput(error.message, {"review_ids": error.message}) from None
            uow.session.add(
                RegistryFeedbackResponse(
                    id=response.id,
                    technology_id=technology_id,
                    record=response.model_dump_json(exclude_none=True),
                )
            )
            uow.audit.record(
                actor,
                "registry.feedback_response.create",
                subject_type="technology",
                subject_id=technology_id,
                reason="involvement",
                details={"reviews": len(reviews)},
            )
            return response.id
