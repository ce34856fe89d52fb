"""Forms: turning a service's refusal into the problems a page shows beside its fields."""

from __future__ import annotations

from collections.abc import Mapping

from withcare.services.errors import InvalidInput
from withcare.web import i18n


def problems_from(
    error: InvalidInput, *, fallback: str = "form", rename: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The error's field problems, translated and keyed by the form's field names.

    A service names fields as it knows them; ``rename`` maps those to the form's names. When the
    service names no field, its message is shown against ``fallback`` instead.
    """
    rename = rename or {}
    problems = {rename.get(k, k): i18n.gettext(v) for k, v in error.problems.items()}
    return problems or {fallback: i18n.gettext(error.message)}
