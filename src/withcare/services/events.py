"""In-process domain events: how one capability tells another that something happened.

Subscribers run synchronously, inside the publisher's unit of work, so a risk signal and the
escalation it opens are committed together or not at all (nothing lost between two transactions).
A subscriber that raises rolls the whole action back: safety work is never silently dropped.

Events are plain dataclasses defined next to the capability that publishes them; subscribers
register once, when the :class:`~withcare.services.platform.Platform` is built.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from withcare.services.unit_of_work import UnitOfWork

E = TypeVar("E")
Handler = Callable[["UnitOfWork", Any], None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[type[Any], list[Handler]] = defaultdict(list)

    def subscribe(self, event_type: type[E], handler: Callable[[UnitOfWork, E], None]) -> None:
        self._handlers[event_type].append(handler)

    def publish(self, uow: UnitOfWork, event: object) -> int:
        """Deliver ``event`` to every subscriber within ``uow``; returns how many received it."""
        handlers = self._handlers.get(type(event), [])
        for handler in handlers:
            handler(uow, event)
        return len(handlers)


@dataclass(frozen=True)
class RiskSignalRaised:
    """A risk signal about a person that must reach a human (P3).

    ``source`` says where it came from (``instrument``, ``free_text``, ``help_now``);
    ``source_id`` is the id of the administration, message or check-in; ``signals`` are the
    domain's ``RiskSignal`` objects from ``withcare.domain.safety``. Never carries free text.
    """

    person_id: str
    source: str
    source_id: str
    signals: tuple[Any, ...]
