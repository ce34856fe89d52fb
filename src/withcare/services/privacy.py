"""Self-service data rights (P6): download all my data, ask for a correction, ask for erasure.

Erasure, in one transaction:

* destroys the person's data key (crypto-shredding): every encrypted note, message, plan or
  check-in text of theirs, in the database, exports and backups, becomes unreadable for good;
* deletes what may be deleted: care-mode preferences, choice events, correction requests,
  log-in sessions; other capabilities delete theirs on the :class:`PersonErased` event;
* removes identity from what must be kept: the person row keeps only its id and year of birth
  (as 1 July, for age-band statistics); the account is closed and its e-mail, name and password
  removed; proxy grants are revoked and waiting carer invitations cancelled;
* keeps, as the clinical record rules require, the episodes and contacts (dates, modes, teams:
  no names or free text), the consent decisions and data-flow log (proof of what was lawful), the
  audit log (ids only, tamper-evident) and a record that the erasure happened. See
  ``docs/privacy/erasure.md``.

On SQLite the database is vacuumed afterwards so erased values do not linger in free pages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import delete, select, text, update

from withcare.db.models import (
    CarePreferenceRow,
    ChoiceEventRow,
    Contact,
    CorrectionRequest,
    Episode,
    ErasureRecord,
    LoginSession,
    Person,
    ProxyGrant,
    ProxyInvitation,
    User,
)
from withcare.security.authorisation import Actor, Permission
from withcare.security.field_encryption import FieldEncryptionError
from withcare.services.errors import N_, InvalidInput
from withcare.services.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from withcare.services.platform import Platform

MAX_CORRECTION_CHARS = 2000
ERASURE_CONFIRMATION = "ERASE"


@dataclass(frozen=True)
class CorrectionAsked:
    request_id: str
    shows_crisis_page: bool


@dataclass(frozen=True)
class PersonErased:
    """Published inside the erasure's unit of work: delete what you hold about ``person_id``
    unless clinical-record rules require you to keep it (then keep it without identity)."""

    person_id: str


@dataclass(frozen=True)
class CorrectionView:
    id: str
    requested_at: datetime
    text: str
    status: str


@dataclass(frozen=True)
class PersonExport:
    person_id: str
    name: str
    date_of_birth: date
    email: str
    phone: str
    preferred_language: str
    episodes: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    consent: list[dict[str, Any]]
    preferences: list[str]
    choices: list[dict[str, Any]]
    corrections: list[CorrectionView]
    bundle: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ErasureResult:
    person_id: str
    deleted: dict[str, int]
    kept: dict[str, int]


class PrivacyService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    # -- download -------------------------------------------------------------------------------
    def export(self, actor: Actor | None, person_id: str) -> PersonExport:
        """Everything held about the person: a validated FHIR R4 Bundle plus readable parts."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_DATA_EXPORT, person_id)
            person = uow.session.get(Person, person_id)
            assert person is not None
            result = self._export(uow, person)
            uow.audit.record(
                actor,
                "person.export",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason="self_access",
            )
            return result

    def _export(self, uow: UnitOfWork, person: Person) -> PersonExport:
        pid = person.id
        episodes = list(
            uow.session.execute(select(Episode).where(Episode.person_id == pid)).scalars()
        )
        contacts = list(
            uow.session.execute(
                select(Contact).where(Contact.person_id == pid).order_by(Contact.occurred_at)
            ).scalars()
        )
        consent = self._platform.consent.fhir_consents_in(uow, pid)
        choice = self._platform.choice._view(uow, pid)
        corrections = self._corrections(uow, pid)
        patient: dict[str, Any] = {
            "resourceType": "Patient",
            "id": pid,
            "name": [{"given": [person.given_name], "family": person.family_name}],
            "birthDate": person.date_of_birth.isoformat(),
            "communication": [{"language": {"coding": [{"code": person.preferred_language}]}}],
        }
        telecom = [
            {"system": s, "value": v}
            for s, v in (("email", person.email), ("phone", person.phone))
            if v
        ]
        if telecom:
            patient["telecom"] = telecom
        entries: list[dict[str, Any]] = [{"fullUrl": f"urn:uuid:{pid}", "resource": patient}]
        for e in episodes:
            period = {"start": (e.start_date or e.referral_date).isoformat()}
            if e.end_date:
                period["end"] = e.end_date.isoformat()
            entries.append(
                {
                    "fullUrl": f"urn:uuid:{e.id}",
                    "resource": {
                        "resourceType": "EpisodeOfCare",
                        "id": e.id,
                        "status": "finished" if e.end_date else "active",
                        "patient": {"reference": f"Patient/{pid}"},
                        "period": period,
                    },
                }
            )
        for c in contacts:
            entries.append(
                {
                    "fullUrl": f"urn:uuid:{c.id}",
                    "resource": {
                        "resourceType": "Encounter",
                        "id": c.id,
                        "status": "finished",
                        "class": {
                            "system": "https://withcare.example/fhir/CodeSystem/contact-mode",
                            "code": c.mode,
                        },
                        "subject": {"reference": f"Patient/{pid}"},
                        "period": {"start": c.occurred_at.isoformat()},
                        "length": {
                            "value": c.duration_minutes,
                            "unit": "min",
                            "system": "http://unitsofmeasure.org",
                            "code": "min",
                        },
                    },
                }
            )
        for index, resource in enumerate(consent):
            entries.append({"fullUrl": f"urn:uuid:consent-{pid}-{index}", "resource": resource})
        bundle = Bundle.model_validate(
            {
                "resourceType": "Bundle",
                "type": "collection",
                "timestamp": uow.clock.now().isoformat(),
                "entry": entries,
            }
        )
        return PersonExport(
            person_id=pid,
            name=person.full_name,
            date_of_birth=person.date_of_birth,
            email=person.email,
            phone=person.phone,
            preferred_language=person.preferred_language,
            episodes=[
                {
                    "start": e.start_date or e.referral_date,
                    "end": e.end_date,
                    "discharge_reason": e.discharge_reason,
                }
                for e in episodes
            ],
            contacts=[
                {"at": c.occurred_at, "mode": c.mode, "minutes": c.duration_minutes}
                for c in contacts
            ],
            consent=consent,
            preferences=[m.value for m in choice.preferences],
            choices=[
                {"part": o.part.value, "alternative": o.alternative.value, "at": o.at}
                for o in choice.offers
            ]
            + [{"part": p.value, "declined": True} for p in choice.declined],
            corrections=corrections,
            bundle=bundle.model_dump(mode="json", exclude_none=True),
        )

    # -- corrections ----------------------------------------------------------------------------
    def _corrections(self, uow: UnitOfWork, person_id: str) -> list[CorrectionView]:
        views = []
        for row in uow.session.execute(
            select(CorrectionRequest)
            .where(CorrectionRequest.person_id == person_id)
            .order_by(CorrectionRequest.requested_at.desc())
        ).scalars():
            try:
                body = self._platform.crypto.decrypt(
                    uow, person_id, "correction_request", row.id, "text", row.text_encrypted
                )
            except FieldEncryptionError:
                body = "(this text can no longer be read)"
            views.append(CorrectionView(row.id, row.requested_at, body, row.status))
        return views

    def ask_correction(
        self, actor: Actor | None, person_id: str, what: str, language: str = "en"
    ) -> CorrectionAsked:
        """Store the request encrypted and read it for risk: free text a person writes is never
        only filed away (P3); the caller shows the crisis page first when told to."""
        what = what.strip()
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_CORRECTION_REQUEST, person_id)
            if not what:
                raise InvalidInput(
                    N_("Say what is wrong and what it should say."),
                    {"text": N_("Say what is wrong and what it should say.")},
                )
            if len(what) > MAX_CORRECTION_CHARS:
                raise InvalidInput(
                    N_("Please keep it under %(max)d characters."),
                    {"text": N_("Please keep it under %(max)d characters.")},
                    params={"max": MAX_CORRECTION_CHARS},
                )
            assert actor is not None
            row = CorrectionRequest(
                person_id=person_id,
                requested_at=uow.clock.now(),
                requested_by=actor.user_id,
                text_encrypted="",
                status="open",
            )
            uow.session.add(row)
            uow.session.flush()
            row.text_encrypted = self._platform.crypto.encrypt(
                uow, person_id, "correction_request", row.id, "text", what
            )
            uow.audit.record(
                actor,
                "correction.request",
                subject_type="correction_request",
                subject_id=row.id,
                person_id=person_id,
                reason="self_access",
            )
            outcome = self._platform.safety.check_text(
                uow, person_id, "correction_request", row.id, what, language
            )
            return CorrectionAsked(row.id, outcome is not None and outcome.shows_crisis_page)

    def corrections(self, actor: Actor | None, person_id: str) -> list[CorrectionView]:
        """Correction requests: the person sees theirs; the care team sees them to act on."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_READ, person_id)
            views = self._corrections(uow, person_id)
            uow.audit.record(
                actor,
                "correction.read",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason="direct_care",
            )
            return views

    def resolve_correction(
        self, actor: Actor | None, person_id: str, request_id: str, status: str
    ) -> None:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_CONTACTS_WRITE, person_id)
            if status not in ("done", "declined"):
                raise InvalidInput(N_("Say whether the correction was made or declined."))
            assert actor is not None
            row = uow.session.get(CorrectionRequest, request_id)
            if row is None or row.person_id != person_id:
                raise InvalidInput(N_("This correction request is not on this record."))
            row.status, row.resolved_at, row.resolved_by = status, uow.clock.now(), actor.user_id
            uow.audit.record(
                actor,
                "correction.resolve",
                subject_type="correction_request",
                subject_id=row.id,
                person_id=person_id,
                reason="direct_care",
                details={"status": status},
            )

    # -- erasure --------------------------------------------------------------------------------
    def erase(self, actor: Actor | None, person_id: str, confirmation: str) -> ErasureResult:
        """Erase the person's data as described in the module docstring."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_ERASURE_REQUEST, person_id)
            if confirmation.strip().upper() != ERASURE_CONFIRMATION:
                raise InvalidInput(
                    N_("Type %(word)s to confirm."),
                    {"confirmation": N_("Type %(word)s to confirm.")},
                    params={"word": ERASURE_CONFIRMATION},
                )
            assert actor is not None
            result = self._erase(uow, person_id, actor.user_id)
        self._compact()
        return result

    def _erase(self, uow: UnitOfWork, person_id: str, requested_by: str) -> ErasureResult:
        now = uow.clock.now()
        session = uow.session
        self._platform.crypto.shred(uow, person_id)
        self._platform.events.publish(uow, PersonErased(person_id))
        deleted: dict[str, int] = {}
        for model in (CarePreferenceRow, ChoiceEventRow, CorrectionRequest):
            result = session.execute(
                delete(model)
                .where(model.person_id == person_id)
                .execution_options(synchronize_session="fetch")
            )
            deleted[model.__tablename__] = int(getattr(result, "rowcount", 0) or 0)
        users = list(session.execute(select(User).where(User.person_id == person_id)).scalars())
        for user in users:
            removed = session.execute(
                delete(LoginSession)
                .where(LoginSession.user_id == user.id)
                .execution_options(synchronize_session="fetch")
            )
            deleted["login_sessions"] = int(getattr(removed, "rowcount", 0) or 0)
            user.email = f"erased-{user.id}@erased.invalid"
            user.display_name = "Erased account"
            user.password_hash = "!erased"  # noqa: S105 - not a password: no log-in matches it
            user.totp_secret = None
            user.is_active = False
        session.execute(
            update(ProxyGrant)
            .where(ProxyGrant.person_id == person_id, ProxyGrant.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session="fetch")
        )
        session.execute(  # and nobody can link to the erased person with a waiting code
            update(ProxyInvitation)
            .where(
                ProxyInvitation.person_id == person_id,
                ProxyInvitation.used_at.is_(None),
                ProxyInvitation.cancelled_at.is_(None),
            )
            .values(cancelled_at=now)
            .execution_options(synchronize_session="fetch")
        )
        person = session.get(Person, person_id)
        assert person is not None
        person.given_name = "Erased"
        person.family_name = "person"
        person.email = ""
        person.phone = ""
        person.date_of_birth = date(person.date_of_birth.year, 7, 1)
        person.gender = person.ethnicity = person.disability = "not_stated"
        person.digital_access = "not_stated"
        person.deprivation_quintile = None
        kept = {
            "episodes": len(
                list(session.execute(select(Episode.id).where(Episode.person_id == person_id)))
            ),
            "contacts": len(
                list(session.execute(select(Contact.id).where(Contact.person_id == person_id)))
            ),
        }
        session.add(
            ErasureRecord(
                person_id=person_id,
                requested_at=now,
                requested_by=requested_by,
                completed_at=now,
                summary=json.dumps({"deleted": deleted, "kept": kept}, sort_keys=True),
            )
        )
        uow.audit.record(
            uow.actor,
            "person.erase",
            subject_type="person",
            subject_id=person_id,
            person_id=person_id,
            reason="erasure_request",
            details={**deleted, **kept},
        )
        return ErasureResult(person_id, deleted, kept)

    def _compact(self) -> None:
        """Make deleted values unrecoverable from the database files themselves."""
        database = self._platform.database
        if self._platform.settings.is_sqlite:
            with database.engine.connect() as connection:
                raw = connection.connection.driver_connection
                assert raw is not None
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                raw.execute("VACUUM")
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            with database.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            ) as connection:
                for table in ("people", "users", "correction_requests", "choice_events"):
                    connection.execute(text(f"VACUUM {table}"))
