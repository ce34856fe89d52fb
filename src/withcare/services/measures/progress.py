"""Trends with reliable change, the course outcome so far, and the overview built from them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select

from withcare.db.models import Episode
from withcare.domain.consent import DataStream, Purpose
from withcare.domain.measures import course_outcome, jacobson_truax
from withcare.domain.measures.change import NoPublishedNormsError
from withcare.security.authorisation import Actor, Permission
from withcare.services.measures.administrations import AdministrationsMixin
from withcare.services.measures.instruments import instrument_or_none
from withcare.services.measures.views import (
    AdministrationView,
    Band,
    CourseSoFar,
    MeasuresOverview,
    Trend,
    TrendPoint,
    _administration_view,
    _assignment_view,
)
from withcare.services.unit_of_work import access_reason


def trends(views: Iterable[AdministrationView]) -> list[Trend]:
    """One series per instrument with a total, with Jacobson-Truax change against the first."""
    series: dict[str, list[AdministrationView]] = {}
    for view in views:
        if view.valid and view.total is not None and view.completed_at is not None:
            series.setdefault(view.instrument_id, []).append(view)
    found: list[Trend] = []
    for instrument_id, points in series.items():
        instrument = instrument_or_none(instrument_id)
        if instrument is None or instrument.total_maximum is None:
            continue
        first = points[0].total
        assert first is not None
        trend_points: list[TrendPoint] = []
        threshold: float | None = None
        for index, view in enumerate(points):
            assert view.total is not None and view.completed_at is not None
            change: str | None = None
            if index > 0:
                try:
                    judged = jacobson_truax(instrument_id, first, view.total)
                    change = judged.category.value
                    threshold = judged.threshold
                except NoPublishedNormsError:
                    change = None
            trend_points.append(
                TrendPoint(
                    administration_id=view.id,
                    at=view.completed_at,
                    total=view.total,
                    severity=view.severity,
                    change=change,
                    risk_flag=view.risk_flag,
                    mode=view.mode,
                )
            )
        found.append(
            Trend(
                instrument_id=instrument.id,
                name=instrument.name,
                short_name=instrument.short_name,
                minimum=instrument.total_minimum or 0,
                maximum=instrument.total_maximum,
                higher_is_better=instrument.higher_is_better,
                bands=[Band(b.label, b.minimum, b.maximum) for b in instrument.severity.bands],
                points=trend_points,
                reliable_change=threshold
                if threshold is not None
                else (instrument.change.reliable_change if instrument.change else None),
            )
        )
    order = {"phq9": 0, "gad7": 1}
    return sorted(found, key=lambda t: (order.get(t.instrument_id, 9), t.instrument_id))


def course_so_far(views: Sequence[AdministrationView], since: date | None) -> CourseSoFar:
    """NHS Talking Therapies outcome from the episode's first and latest PHQ-9 and GAD-7."""

    def totals(instrument_id: str) -> list[int]:
        return [
            int(v.total)
            for v in views
            if v.instrument_id == instrument_id
            and v.valid
            and v.total is not None
            and v.completed_at is not None
            and (since is None or v.completed_at.date() >= since)
        ]

    phq9, gad7 = totals("phq9"), totals("gad7")
    outcome = None
    if phq9 and gad7:
        outcome = course_outcome(phq9[0], phq9[-1], gad7[0], gad7[-1])
    return CourseSoFar(
        since=since,
        phq9_first=phq9[0] if phq9 else None,
        phq9_last=phq9[-1] if phq9 else None,
        gad7_first=gad7[0] if gad7 else None,
        gad7_last=gad7[-1] if gad7 else None,
        outcome=outcome,
    )


class ProgressMixin(AdministrationsMixin):
    def overview(self, actor: Actor | None, person_id: str) -> MeasuresOverview:
        """Trends per instrument with reliable change, latest risk flags, course outcome so far."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_MEASURES_READ, person_id)
            self._platform.consent.require_flow(
                uow,
                person_id,
                Purpose.DIRECT_CARE,
                DataStream.QUESTIONNAIRES,
                "Questionnaire results and trends read",
            )
            rows = self._submitted(uow, person_id)
            views = [_administration_view(r) for r in rows]
            episode = (
                uow.session.execute(
                    select(Episode)
                    .where(Episode.person_id == person_id)
                    .order_by(Episode.referral_date.desc())
                )
                .scalars()
                .first()
            )
            assignments = [
                _assignment_view(r) for r in self._assignment_rows(uow, person_id, False)
            ]
            uow.audit.record(
                actor,
                "measure_overview.read",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason=access_reason(actor, person_id),
            )
        since = None
        if episode is not None:
            since = episode.start_date or episode.referral_date
        return MeasuresOverview(
            person_id=person_id,
            trends=trends(views),
            risk_flags=[v for v in reversed(views) if v.risk_flag][:5],
            course=course_so_far(views, since),
            assignments=assignments,
            recent=list(reversed(views))[:10],
        )
