""" "Talk to a person": a contact request opens an escalation for the care team."""

from __future__ import annotations

from collections.abc import Sequence

from withcare.db.models import ContactRequestRow, Person
from withcare.db.types import new_id
from withcare.domain.care.modes import ContactMode
from withcare.domain.safety import Actor as SafetyActor
from withcare.domain.safety import ContactRequest, TimeOfDay, Urgency, raise_escalation
from withcare.security.authorisation import Actor, Permission
from withcare.services.errors import N_, InvalidInput
from withcare.services.safety.constants import CONTACT_SOURCE
from withcare.services.safety.rows import _contact_view
from withcare.services.safety.store import EscalationStore
from withcare.services.safety.views import ContactRequestView


class ContactRequests(EscalationStore):
    # ---------------------------------------------------------------------- talk to a person

    def request_contact(
        self,
        actor: Actor | None,
        person_id: str,
        modes: Sequence[str],
        times: Sequence[str],
    ) -> ContactRequestView:
        problems: dict[str, str] = {}
        try:
            chosen_modes = tuple(ContactMode(m) for m in dict.fromkeys(modes))
        except ValueError:
            chosen_modes = ()
        try:
            chosen_times = tuple(TimeOfDay(t) for t in dict.fromkeys(times)) or (
                TimeOfDay.ANY_TIME,
            )
        except ValueError:
            problems["times"] = N_("Choose times from the list.")
            chosen_times = (TimeOfDay.ANY_TIME,)
        if not chosen_modes or not all(m.is_human for m in chosen_modes):
            problems["modes"] = N_("Choose at least one way for us to contact you.")
        if problems:
            raise InvalidInput(N_("Please check your answers."), problems)
        request = ContactRequest(chosen_modes, chosen_times)
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_CONTACT_REQUEST, person_id)
            person = uow.session.get(Person, person_id)
            assert person is not None
            level, assignee = self._starting_owner(uow, person_id)
            transition = raise_escalation(
                urgency=Urgency.CONTACT_REQUEST,
                raised_by=SafetyActor.person(person_id),
                at=uow.clock.now(),
                policy=self.policy,
                level=level,
                assignee=assignee,
                contact_request=request,
            )
            request_id = new_id()
            escalation_id = self._insert(uow, person, CONTACT_SOURCE, request_id, transition)
            row = ContactRequestRow(
                id=request_id,
                person_id=person_id,
                escalation_id=escalation_id,
                preferred_modes=" ".join(m.value for m in chosen_modes),
                preferred_times=" ".join(t.value for t in chosen_times),
                status=transition.escalation.state.value,
                response_target=transition.escalation.deadline or uow.clock.now(),
                requested_by_id=actor.user_id if actor else "",
                created_at=uow.clock.now(),
            )
            uow.session.add(row)
            uow.session.flush()
            uow.audit.record(
                actor,
                "contact_request.create",
                subject_type="contact_request",
                subject_id=row.id,
                person_id=person_id,
                reason="direct_care",
                details={"escalation": escalation_id},
            )
            return _contact_view(row)
