"""The one policy point: may this stream be used for this purpose at this moment?

Services call :func:`require` before they collect, read or process personal data, so consent is
enforced where data is read and never only in the user interface (P6). :func:`check` answers the
same question without raising, for pages that want to explain why something is off.

Exceptions::

    ConsentError (PermissionError)
     └── ConsentRequired      no consent for this purpose x stream at this moment
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from withcare.domain.consent.documents import ConsentDocuments
from withcare.domain.consent.history import ConsentHistory
from withcare.domain.consent.state import ItemStatus, item_state
from withcare.domain.consent.vocabulary import ConsentItem, DataStream, Purpose

PersonId = TypeVar("PersonId")

_HOW_TO_FIX = {
    ItemStatus.NOT_ASKED: "ask the person; they can say yes on their consent page",
    ItemStatus.NEEDS_REASKING: (
        "the wording changed since they agreed; ask again on their consent page"
    ),
    ItemStatus.REFUSED: (
        "the person said no; respect it (they can change their mind on their consent page)"
    ),
    ItemStatus.WITHDRAWN: (
        "the person withdrew; stop this flow (they can change their mind on their consent page)"
    ),
    ItemStatus.NOT_OFFERED: (
        "the consent document in force does not offer this; a new document version must ask for it"
    ),
}


@dataclass(frozen=True)
class Decision:
    """The answer of the policy point (not to be confused with a person's ``ConsentDecision``)."""

    purpose: Purpose
    stream: DataStream
    at: datetime
    status: ItemStatus

    @property
    def allowed(self) -> bool:
        return self.status.allows

    @property
    def explanation(self) -> str:
        if self.allowed:
            return f"{self.purpose.value} x {self.stream.value} is allowed ({self.status.value})"
        return (
            f"No consent to use {self.stream.value} for {self.purpose.value} at "
            f"{self.at.isoformat()} (status: {self.status.value}). To fix: "
            f"{_HOW_TO_FIX[self.status]}."
        )

    def __bool__(self) -> bool:
        return self.allowed


class ConsentError(PermissionError):
    """Base of consent errors: a permission problem, never a crash to retry."""


class ConsentRequired(ConsentError):
    """Raised when data would flow for a purpose without consent at that moment."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.explanation)
        self.decision = decision
        self.purpose = decision.purpose
        self.stream = decision.stream
        self.status = decision.status


def check(
    history: ConsentHistory,
    purpose: Purpose,
    stream: DataStream,
    at: datetime,
    documents: ConsentDocuments | None = None,
) -> Decision:
    """Whether ``stream`` may be used for ``purpose`` at ``at``, given the person's history."""
    state = item_state(history, ConsentItem(purpose, stream), at, documents)
    return Decision(purpose, stream, at, state.status)


def require(
    history: ConsentHistory,
    purpose: Purpose,
    stream: DataStream,
    at: datetime,
    documents: ConsentDocuments | None = None,
) -> Decision:
    """Like :func:`check` but raise :class:`ConsentRequired` when the answer is no."""
    decision = check(history, purpose, stream, at, documents)
    if not decision.allowed:
        raise ConsentRequired(decision)
    return decision


def people_with_consent(
    histories: Mapping[PersonId, ConsentHistory],
    purpose: Purpose,
    streams: Iterable[DataStream],
    at: datetime,
    documents: ConsentDocuments | None = None,
) -> frozenset[PersonId]:
    """The people whose data may be used for ``purpose`` from every one of ``streams`` at ``at``.

    Research exports and population statistics start from this set, computed at the time of the
    export, so a withdrawal excludes the person from everything computed afterwards.
    """
    wanted = tuple(streams)
    return frozenset(
        person
        for person, history in histories.items()
        if all(check(history, purpose, s, at, documents).allowed for s in wanted)
    )
