"""Clinicians recommending a registry technology to a person in their care."""

from __future__ import annotations

from sqlalchemy import select

from withcare.db.models.registry import RegistryRecommendation, RegistryTechnology
from withcare.db.types import new_id
from withcare.security.authorisation import Actor, Permission
from withcare.security.field_encryption import FieldEncryptionError
from withcare.services.errors import N_, InvalidInput
from withcare.services.registry.base import RegistryBase
from withcare.services.registry.limits import MAX_NOTE_CHARS
from withcare.services.registry.views import RecommendationView
from withcare.services.unit_of_work import UnitOfWork


class RecommendationsMixin(RegistryBase):
    """Recommendations are about a person: every read and write is authorised and audited."""

    def recommendations_for(self, actor: Actor | None, person_id: str) -> list[RecommendationView]:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_RECOMMEND_TECHNOLOGY, person_id)
            rows = list(
                uow.session.execute(
                    select(RegistryRecommendation)
                    .where(RegistryRecommendation.person_id == person_id)
                    .order_by(RegistryRecommendation.recommended_at.desc())
                ).scalars()
            )
            names = self._names(uow, (r.clinician_id for r in rows))
            technologies = dict(
                uow.session.execute(
                    select(RegistryTechnology.id, RegistryTechnology.name).where(
                        RegistryTechnology.id.in_({r.technology_id for r in rows})
                    )
                ).all()
            )
            views = [
                RecommendationView(
                    id=r.id,
                    technology_id=r.technology_id,
                    technology_name=technologies.get(r.technology_id, r.technology_id),
                    clinician=names.get(r.clinician_id, ""),
                    recommended_at=r.recommended_at,
                    note=self._note(uow, r),
                )
                for r in rows
            ]
            uow.audit.record(
                actor,
                "registry.recommendation.read",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason="direct_care",
                details={"count": len(views)},
            )
            return views

    def recommend(
        self, actor: Actor | None, person_id: str, *, technology_id: str, note: str = ""
    ) -> str:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_RECOMMEND_TECHNOLOGY, person_id)
            assert actor is not None
            problems: dict[str, str] = {}
            if not technology_id or uow.session.get(RegistryTechnology, technology_id) is None:
                problems["technology_id"] = N_("Choose a technology from the registry.")
            if len(note) > MAX_NOTE_CHARS:
                problems["note"] = N_("Keep the note under %(max)d characters.")
            if problems:
                raise InvalidInput(
                    N_("The recommendation was not saved."),
                    problems,
                    params={"max": MAX_NOTE_CHARS},
                )
            row_id = new_id()
            row = RegistryRecommendation(
                id=row_id,
                technology_id=technology_id,
                person_id=person_id,
                clinician_id=actor.user_id,
                recommended_at=uow.clock.now(),
                note_encrypted=self._platform.crypto.encrypt(
                    uow, person_id, "registry_recommendation", row_id, "note", note.strip()
                )
                if note.strip()
                else "",
            )
            uow.session.add(row)
            uow.session.flush()
            uow.audit.record(
                actor,
                "registry.recommendation.create",
                subject_type="registry_recommendation",
                subject_id=row.id,
                person_id=person_id,
                reason="direct_care",
                details={"technology": technology_id},
            )
            return row.id

    def _note(self, uow: UnitOfWork, row: RegistryRecommendation) -> str | None:
        if not row.note_encrypted:
            return None
        try:
            return self._platform.crypto.decrypt(
                uow, row.person_id, "registry_recommendation", row.id, "note", row.note_encrypted
            )
        except FieldEncryptionError:
            return "(note no longer readable)"

    def technology_choices(self) -> list[tuple[str, str]]:
        """(id, name) of every technology, by name, for pick lists."""
        with self._platform.unit_of_work(None) as uow:
            rows = uow.session.execute(
                select(RegistryTechnology.id, RegistryTechnology.name).order_by(
                    RegistryTechnology.name
                )
            ).all()
        return [(str(i), str(n)) for i, n in rows]
