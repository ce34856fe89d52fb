"""The ``SafetyService`` class (``platform.safety``), composed from the safety modules' parts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from withcare.domain.safety import default_policy
from withcare.services.events import RiskSignalRaised
from withcare.services.safety.contact_requests import ContactRequests
from withcare.services.safety.crisis_contacts import CrisisContacts
from withcare.services.safety.escalations import ClinicianWorkflow
from withcare.services.safety.notifications import NotificationOutbox
from withcare.services.safety.oversight import OversightReports
from withcare.services.safety.safety_plans import SafetyPlans
from withcare.services.safety.signals import SignalHandling

if TYPE_CHECKING:
    from withcare.services.platform import Platform


class SafetyService(
    SignalHandling,
    ContactRequests,
    ClinicianWorkflow,
    OversightReports,
    SafetyPlans,
    CrisisContacts,
    NotificationOutbox,
):
    """Safety in the platform (P3, P2; issue 4): ``platform.safety``.

    The pure core (:mod:`withcare.domain.safety`) decides *what* must happen; this service makes it
    happen in the database, in the same transaction as whatever raised the signal:

    * :meth:`SafetyService.on_risk_signal` is subscribed to :class:`RiskSignalRaised`. It stores each
      signal (the rule, never the person's words), opens an escalation for the person's named
      clinician (the duty clinician if there is none) or attaches the signals to an open escalation
      that is at least as urgent, and writes the notifications to the outbox. All inside the
      publisher's unit of work: the answers and the escalation are committed together or not at all.
    * "I need help now", free-text checks (:meth:`check_text`) and "talk to a person" go through the
      same path.
    * Clinicians acknowledge, record actions, hand over and close with ``apply_event``. Every change
      is an ``UPDATE ... WHERE version = :old``: two people (or two workers) can never both apply a
      change to the same version.
    * The worker (``withcare worker``) calls :meth:`escalate_overdue`, :meth:`claim_notifications`
      and :meth:`record_delivery`; each claim is a conditional update with a lease, so two workers
      never both send one notification.

    A detection never closes or downgrades anything: it only opens work for a human.
    """

    def __init__(self, platform: Platform) -> None:
        self._platform = platform
        self.policy = default_policy()
        platform.events.subscribe(RiskSignalRaised, self.on_risk_signal)
