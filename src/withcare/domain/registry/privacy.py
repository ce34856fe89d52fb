"""The privacy and security profile of a technology: a read-only view over its facts.

The profile is not stored separately: the facts are, once, with their sources. This view gathers
the privacy and security answers into named fields for pages and comparisons, with ``None`` for
"not known" so nobody mistakes silence for a good answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from withcare.domain.registry.model import FactValue


def _bool(facts: Mapping[str, FactValue], key: str) -> bool | None:
    value = facts.get(key)
    return value if isinstance(value, bool) else None


@dataclass(frozen=True)
class PrivacySecurityProfile:
    policy_url: str | None
    policy_available: bool | None
    policy_reading_grade: int | None
    sells_data: bool | None
    shares_for_advertising: bool | None
    deletion_on_request: bool | None
    encryption_in_transit: bool | None
    encryption_at_rest: bool | None
    cyber_essentials: str | None
    dspt_met: bool | None

    @property
    def unknown_fields(self) -> tuple[str, ...]:
        return tuple(name for name, value in vars(self).items() if value is None)


def privacy_profile(facts: Mapping[str, FactValue]) -> PrivacySecurityProfile:
    url = facts.get("privacy.policy_url")
    grade = facts.get("privacy.policy_reading_grade")
    cyber = facts.get("security.cyber_essentials")
    return PrivacySecurityProfile(
        policy_url=url if isinstance(url, str) else None,
        policy_available=_bool(facts, "privacy.policy_available"),
        policy_reading_grade=grade
        if isinstance(grade, int) and not isinstance(grade, bool)
        else None,
        sells_data=_bool(facts, "privacy.sells_data"),
        shares_for_advertising=_bool(facts, "privacy.shares_for_advertising"),
        deletion_on_request=_bool(facts, "privacy.deletion_on_request"),
        encryption_in_transit=_bool(facts, "security.encryption_in_transit"),
        encryption_at_rest=_bool(facts, "security.encryption_at_rest"),
        cyber_essentials=cyber if isinstance(cyber, str) else None,
        dspt_met=_bool(facts, "privacy.dspt_met"),
    )
