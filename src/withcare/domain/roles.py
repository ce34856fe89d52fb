"""The roles people hold in Withcare.

A role says what kind of work someone does; it never grants access to a person's record by itself.
Access to a person follows the care relationship (see ``withcare.security.authorisation``).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PERSON_IN_CARE = "person_in_care"
    CLINICIAN = "clinician"
    SERVICE_MANAGER = "service_manager"
    RESEARCHER = "researcher"
    TECHNOLOGY_EVALUATOR = "technology_evaluator"
    CARER = "carer"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        """Staff roles must use a second factor (TOTP) to log in."""
        return self not in (Role.PERSON_IN_CARE, Role.CARER)
