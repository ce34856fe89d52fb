"""The measures seam: where real-world outcomes of recommended technologies come from."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from withcare.domain.registry.outcomes import PersonOutcome

#: From the ids of people recommended a technology to their per-person outcomes (measures seam).
OutcomeSource = Callable[[Sequence[str]], Mapping[str, PersonOutcome]]


def no_outcomes(person_ids: Sequence[str]) -> Mapping[str, PersonOutcome]:
    """The default outcome source until measures are wired: nobody has outcomes yet."""
    return {}
