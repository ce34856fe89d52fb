"""Versioned, encrypted safety plans: reading, saving and building them from a form."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from withcare.db.models import Person, SafetyPlanVersionRow
from withcare.db.types import new_id
from withcare.domain.safety import (
    PlanEntry,
    SafetyPlan,
    SafetyPlanError,
    SafetyPlanVersion,
    Section,
    first_version,
    revise,
)
from withcare.domain.safety.errors import PlanUnchangedError
from withcare.domain.safety.safety_plan import PROBLEM_PARAMS
from withcare.security.authorisation import Actor, Permission
from withcare.services.errors import N_, Conflict, InvalidInput, NotFound
from withcare.services.safety.store import EscalationStore
from withcare.services.safety.views import PlanVersionSummary, SafetyPlanView

if TYPE_CHECKING:
    from withcare.services.unit_of_work import UnitOfWork


class SafetyPlans(EscalationStore):
    # -------------------------------------------------------------------------- safety plans

    def safety_plan(
        self, actor: Actor | None, person_id: str, number: int | None = None
    ) -> SafetyPlanView:
        from withcare.domain.safety import diff_plans

        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_SAFETY_PLAN_READ, person_id)
            person = uow.session.get(Person, person_id)
            assert person is not None
            rows = list(
                uow.session.execute(
                    select(SafetyPlanVersionRow)
                    .where(SafetyPlanVersionRow.person_id == person_id)
                    .order_by(SafetyPlanVersionRow.number)
                ).scalars()
            )
            names = uow.user_names(r.created_by_id for r in rows)
            summaries = [
                PlanVersionSummary(
                    r.number, r.created_at, names.get(r.created_by_id, ""), r.agreed_with_person
                )
                for r in rows
            ]
            chosen = rows[-1] if rows and number is None else None
            if number is not None:
                chosen = next((r for r in rows if r.number == number), None)
                if chosen is None:
                    raise NotFound(N_("That version of the safety plan does not exist."))
            latest = self._plan_version(uow, chosen) if chosen else None
            changes: list[Any] = []
            if chosen is not None and chosen.number > 1:
                before = next(r for r in rows if r.number == chosen.number - 1)
                previous = self._plan_version(uow, before)
                assert latest is not None
                changes = diff_plans(previous.plan, latest.plan)
            uow.audit.record(
                actor,
                "safety_plan.read",
                subject_type="safety_plan",
                subject_id=chosen.id if chosen else person_id,
                person_id=person_id,
                reason="direct_care",
                details={"version": chosen.number if chosen else 0},
            )
            return SafetyPlanView(
                person_id,
                person.full_name,
                latest,
                summaries,
                changes,
            )

    def save_safety_plan(
        self,
        actor: Actor | None,
        person_id: str,
        plan: SafetyPlan,
        *,
        agreed_with_person: bool,
        based_on: int | None = None,
    ) -> int:
        """Save a new numbered version (versions are never changed). ``based_on`` is the version
        the editor started from: if someone saved a newer one meanwhile, nothing is overwritten."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_SAFETY_PLAN_WRITE, person_id)
            assert actor is not None
            agreed = agreed_with_person or actor.person_id == person_id
            last = uow.session.execute(
                select(SafetyPlanVersionRow)
                .where(SafetyPlanVersionRow.person_id == person_id)
                .order_by(SafetyPlanVersionRow.number.desc())
                .limit(1)
            ).scalar_one_or_none()
            if (last.number if last else 0) != (based_on or 0) and based_on is not None:
                raise Conflict(
                    N_(
                        "Someone saved a newer version of this plan while you were editing. "
                        "Your changes were not saved: open the latest version and add them again."
                    )
                )
            now = uow.clock.now()
            try:
                if last is None:
                    version = first_version(
                        plan, created_by=actor.user_id, at=now, agreed_with_person=agreed
                    )
                else:
                    version = revise(
                        self._plan_version(uow, last),
                        plan,
                        created_by=actor.user_id,
                        at=now,
                        agreed_with_person=agreed,
                    )
            except SafetyPlanError as error:
                raise _refusal(error) from None
            row_id = new_id()
            ciphertext = self._platform.crypto.encrypt(
                uow, person_id, "safety_plan", row_id, "sections", _plan_json(version.plan)
            )
            uow.session.add(
                SafetyPlanVersionRow(
                    id=row_id,
                    person_id=person_id,
                    number=version.number,
                    sections_ciphertext=ciphertext,
                    schema_version=version.schema_version,
                    created_at=now,
                    created_by_id=actor.user_id,
                    agreed_with_person=agreed,
                )
            )
            uow.session.flush()
            uow.audit.record(
                actor,
                "safety_plan.save",
                subject_type="safety_plan",
                subject_id=row_id,
                person_id=person_id,
                reason="direct_care",
                details={"version": version.number},
            )
            return version.number

    def _plan_version(self, uow: UnitOfWork, row: SafetyPlanVersionRow) -> SafetyPlanVersion:
        text = self._platform.crypto.decrypt(
            uow, row.person_id, "safety_plan", row.id, "sections", row.sections_ciphertext
        )
        return SafetyPlanVersion(
            number=row.number,
            plan=_plan_from_json(text),
            created_at=row.created_at,
            created_by=row.created_by_id,
            agreed_with_person=row.agreed_with_person,
            schema_version=row.schema_version,
        )


def _plan_json(plan: SafetyPlan) -> str:
    return json.dumps(
        {
            section.value: [{"text": e.text, "contact": e.contact} for e in plan.entries(section)]
            for section in Section
            if plan.entries(section)
        },
        sort_keys=True,
    )


def _plan_from_json(text: str) -> SafetyPlan:
    raw: dict[str, list[dict[str, str | None]]] = json.loads(text)
    return SafetyPlan(
        {
            Section(name): tuple(
                PlanEntry(str(e["text"]), e.get("contact") or None) for e in entries
            )
            for name, entries in raw.items()
        }
    )


def plan_from_form(fields: Mapping[str, Iterable[str]]) -> SafetyPlan:
    """Build a plan from form lists: ``<section>`` texts and ``<section>__contact`` numbers."""
    sections: dict[Section, tuple[PlanEntry, ...]] = {}
    for section in Section:
        texts = list(fields.get(section.value, ()))
        contacts = list(fields.get(f"{section.value}__contact", ()))
        entries = []
        for index, text in enumerate(texts):
            contact = contacts[index].strip() if index < len(contacts) else ""
            if text.strip() or contact:
                entries.append(PlanEntry(text.strip(), contact or None))
        if entries:
            sections[section] = tuple(entries)
    return SafetyPlan(sections)


def _refusal(error: SafetyPlanError) -> InvalidInput:
    """What to fix, per section (the first problem of each), in words the form can show."""
    if isinstance(error, PlanUnchangedError):
        return InvalidInput(N_("Nothing changed, so no new version was saved."))
    by_section: dict[str, str] = {}
    for problem in error.problems:
        by_section.setdefault(problem.section.value, problem.message)
    if not by_section:  # time ran backwards: nothing the person can fix but try again
        return InvalidInput(N_("The plan could not be saved. Reload the page and try again."))
    return InvalidInput(
        N_("The plan was not saved. Check the sections marked below."),
        by_section,
        params=PROBLEM_PARAMS,
    )
