"""The measures seam: where real-world outcomes of recommended technologies come from."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from withcare.domain.registry.outcomes import PersonOutcome
from withcare.services.unit_of_work import UnitOfWork

#: From the ids of people recommended a technology to their per-person outcomes, read inside the
#: registry's unit of work (the platform wires ``MeasuresService.technology_outcomes`` here).
OutcomeSource = Callable[[UnitOfWork, Sequence[str]], Mapping[str, PersonOutcome]]


def no_outcomes(uow: UnitOfWork, person_ids: Sequence[str]) -> Mapping[str, PersonOutcome]:
    """The outcome source of a registry used without measures: nobody has outcomes."""
    return {}
