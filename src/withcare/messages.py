"""The one marker for user-visible text that is translated later, where the reader's language is known.

Every layer that writes text for people (security, services, web) marks it with :func:`N_`;
``make messages`` extracts every ``N_("...")`` into the Welsh catalogue, and the web translates the
text when it shows it. This module has no dependencies, so any layer may import it.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (it returns it unchanged)."""
    return message
