"""Forms: turning a service's refusal into the messages and problems a page shows."""

from __future__ import annotations

from collections.abc import Mapping

from withcare.services.errors import InvalidInput, WithcareError
from withcare.web import i18n


def message_of(error: WithcareError) -> str:
    """The error's message in the reader's language: translated first, then its values filled in.

    Every page that shows a service's message uses this (never ``_(error.message)``, which would
    look up the filled-in English and miss the catalogue whenever the message has values).
    """
    return error.localised(i18n.gettext)


def problems_of(error: InvalidInput) -> dict[str, str]:
    """The error's field problems in the reader's language, keyed as the service names them."""
    return error.localised_problems(i18n.gettext)


def problems_from(
    error: InvalidInput, *, fallback: str = "form", rename: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The error's field problems, translated and keyed by the form's field names.

    A service names fields as it knows them; ``rename`` maps those to the form's names. When the
    service names no field, its message is shown against ``fallback`` instead.
    """
    rename = rename or {}
    problems = {rename.get(k, k): v for k, v in problems_of(error).items()}
    return problems or {fallback: message_of(error)}
