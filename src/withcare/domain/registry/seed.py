"""The seed registry: real mental health technologies with facts read from public pages.

Every record carries the page it was read from and the date it was read; where sources
disagreed or a fact could not be confirmed, the record says so in its provenance note instead of
choosing. ``docs/registry/seed-sources.md`` lists what was and was not checked.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from withcare.domain.registry.bundle import RegistryBundle


@cache
def seed_bundle() -> RegistryBundle:
    text = resources.files("withcare.domain.registry").joinpath("data/seed.json").read_text("utf-8")
    return RegistryBundle.model_validate(json.loads(text))
