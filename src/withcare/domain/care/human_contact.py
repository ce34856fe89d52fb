"""Human-contact measures (P2: technology is an addition, not a replacement).

From a person's contacts (when, and in which :class:`ContactMode`) we compute the days since their
last human contact, the share of contacts that were human, and whether their care has been
*digital-only* for longer than the interval (default six weeks). "Digital-only" here means "no
human contact", counted from the last human contact or, if there was none, from the start of the
episode: a person with no contact of any kind for six weeks needs a human just as much, so they are
flagged too.

Discharging someone whose recent care was digital-only needs a clinician's explicit confirmation;
:func:`check_discharge` raises :class:`DischargeConfirmationRequired` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from statistics import median
from typing import Protocol

from withcare.domain.care.modes import ContactMode
from withcare.messages import N_

DEFAULT_DIGITAL_ONLY_INTERVAL = timedelta(weeks=6)
"""How long care may go without a human contact before the clinician is told (configurable)."""


class ContactLike(Protocol):
    """Anything with a time and a mode: a domain contact, an ORM row, a test tuple."""

    @property
    def at(self) -> datetime: ...

    @property
    def mode(self) -> ContactMode: ...


@dataclass(frozen=True)
class Contact:
    at: datetime
    mode: ContactMode


@dataclass(frozen=True)
class HumanContactSummary:
    as_of: datetime
    contacts: int
    human_contacts: int
    last_human_contact: datetime | None
    without_human_contact_since: datetime
    """Last human contact, or the start of the episode if there has been none."""
    interval: timedelta

    @property
    def days_since_last_human_contact(self) -> int | None:
        """Whole days; None if there has never been a human contact in this episode."""
        if self.last_human_contact is None:
            return None
        return (self.as_of - self.last_human_contact).days

    @property
    def human_share(self) -> Fraction | None:
        """Share of contacts that were human; None when there were no contacts to share."""
        if self.contacts == 0:
            return None
        return Fraction(self.human_contacts, self.contacts)

    @property
    def digital_only(self) -> bool:
        """True when care has gone without a human contact for longer than the interval."""
        return self.as_of - self.without_human_contact_since > self.interval


def summarise(
    contacts: Iterable[ContactLike],
    as_of: datetime,
    episode_start: datetime,
    interval: timedelta = DEFAULT_DIGITAL_ONLY_INTERVAL,
) -> HumanContactSummary:
    """Human-contact measures for one person's episode, counting contacts up to ``as_of``.

    Contacts before ``episode_start`` belong to an earlier episode and contacts after ``as_of`` have
    not happened yet (booked appointments); both are ignored.
    """
    if interval <= timedelta(0):
        raise ValueError("the digital-only interval must be positive")
    counted = [c for c in contacts if episode_start <= c.at <= as_of]
    human = [c.at for c in counted if c.mode.is_human]
    last_human = max(human, default=None)
    return HumanContactSummary(
        as_of=as_of,
        contacts=len(counted),
        human_contacts=len(human),
        last_human_contact=last_human,
        without_human_contact_since=last_human or episode_start,
        interval=interval,
    )


@dataclass(frozen=True)
class DischargeConfirmation:
    """A clinician's explicit confirmation that discharge after digital-only care is right."""

    clinician_id: str
    at: datetime
    reason: str


class DischargeConfirmationRequired(PermissionError):
    """Discharge after digital-only care without a clinician's explicit, reasoned confirmation.

    ``message`` is a catalogue msgid (marked with ``N_``) and ``params`` its values, for the service
    to show in the reader's language; ``str(error)`` is the English with the values filled in.
    """

    def __init__(self, days: int) -> None:
        self.message = N_(
            "There has been no contact with a person for %(days)d days. Offer a contact with a "
            "person first, or confirm the discharge and say why."
        )
        self.params = {"days": days}
        super().__init__(self.message % self.params)


def discharge_needs_confirmation(summary: HumanContactSummary) -> bool:
    return summary.digital_only


def check_discharge(
    summary: HumanContactSummary, confirmation: DischargeConfirmation | None
) -> None:
    """Raise unless discharge may go ahead: not digital-only, or confirmed with a reason."""
    if not summary.digital_only:
        return
    if confirmation is None or not confirmation.clinician_id or not confirmation.reason.strip():
        days = (summary.as_of - summary.without_human_contact_since).days
        raise DischargeConfirmationRequired(days)


@dataclass(frozen=True)
class ServiceHumanContact:
    """Service-level measures for the manager's dashboard."""

    people: int
    digital_only: int
    contacts: int
    human_contacts: int
    median_days_since_human_contact: float | None
    never_had_human_contact: int

    @property
    def human_share(self) -> Fraction | None:
        return Fraction(self.human_contacts, self.contacts) if self.contacts else None


def service_summary(summaries: Sequence[HumanContactSummary]) -> ServiceHumanContact:
    """Aggregate per-person summaries (disclosure control is applied by ``withcare.insights``)."""
    days = [d for s in summaries if (d := s.days_since_last_human_contact) is not None]
    return ServiceHumanContact(
        people=len(summaries),
        digital_only=sum(s.digital_only for s in summaries),
        contacts=sum(s.contacts for s in summaries),
        human_contacts=sum(s.human_contacts for s in summaries),
        median_days_since_human_contact=float(median(days)) if days else None,
        never_had_human_contact=sum(s.last_human_contact is None for s in summaries),
    )
