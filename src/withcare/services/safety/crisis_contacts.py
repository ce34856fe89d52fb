"""The crisis page and the service's crisis contacts behind it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from withcare.db.models import CrisisContactRow, Person
from withcare.domain.safety import CrisisPage, crisis_page
from withcare.domain.safety.crisis_contacts import CrisisContact, parse_contact
from withcare.security.authorisation import Actor, Permission, authorise
from withcare.services.safety.store import EscalationStore


class CrisisContacts(EscalationStore):
    # ------------------------------------------------------------------------- crisis page

    def crisis_page(self, language: str, service_id: str | None = None) -> CrisisPage:
        """The crisis page; never fails: if the service's contacts cannot be read, the UK
        defaults are shown (the emergency number is always there)."""
        try:
            with self._platform.database.transaction() as session:
                query = select(CrisisContactRow)
                if service_id:
                    query = query.where(CrisisContactRow.service_id == service_id)
                contacts = [_crisis_contact(r) for r in session.execute(query).scalars()]
            return crisis_page(language, contacts if service_id else ())
        except Exception:  # the crisis page must render whatever else is broken
            return crisis_page(language)

    def set_crisis_contact(
        self, actor: Actor | None, service_id: str, raw: Mapping[str, Any]
    ) -> None:
        """Add or replace one of the service's crisis contacts (validated like the defaults)."""
        authorise(actor, Permission.ESCALATIONS_OVERSIGHT)
        contact = parse_contact(raw)
        crisis_page("en", [contact])  # refuses replacing the emergency number
        with self._platform.unit_of_work(actor) as uow:
            row = uow.session.execute(
                select(CrisisContactRow).where(
                    CrisisContactRow.service_id == service_id,
                    CrisisContactRow.contact_id == contact.id,
                )
            ).scalar_one_or_none()
            if row is None:
                row = CrisisContactRow(service_id=service_id, contact_id=contact.id)
                uow.session.add(row)
            row.position = contact.order
            row.kind = contact.kind.value
            row.number = contact.number
            row.href = contact.href
            row.texts = json.dumps(
                {"name": dict(contact.name), "how": dict(contact.how), "when": dict(contact.when)}
            )
            row.updated_at = uow.clock.now()
            uow.audit.record(
                actor,
                "crisis_contact.set",
                subject_type="crisis_contact",
                subject_id=contact.id,
                reason="service_management",
            )

    def service_of_person(self, person_id: str) -> str | None:
        with self._platform.database.transaction() as session:
            return session.execute(
                select(Person.service_id).where(Person.id == person_id)
            ).scalar_one_or_none()


def _crisis_contact(row: CrisisContactRow) -> CrisisContact:
    texts = json.loads(row.texts)
    return parse_contact(
        {
            "id": row.contact_id,
            "order": row.position,
            "kind": row.kind,
            "number": row.number,
            "href": row.href,
            "name": texts["name"],
            "how": texts["how"],
            "when": texts["when"],
        }
    )
