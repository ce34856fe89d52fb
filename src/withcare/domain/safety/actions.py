"""What clinicians record on an escalation: actions taken and the outcome it closed with.

Fixed vocabularies rather than free text, so oversight can count them ("escalations by outcome")
and so no personal detail leaks into fields that are reported on. Details go in the (encrypted)
clinical notes that the services layer keeps next to the escalation.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    CALLED_THE_PERSON = "called_the_person"
    TRIED_TO_CALL_NO_ANSWER = "tried_to_call_no_answer"
    MESSAGED_THE_PERSON = "messaged_the_person"
    SAW_THE_PERSON = "saw_the_person"
    VIDEO_CALL_WITH_THE_PERSON = "video_call_with_the_person"
    ARRANGED_AN_APPOINTMENT = "arranged_an_appointment"
    REVIEWED_THE_SAFETY_PLAN = "reviewed_the_safety_plan"
    CONTACTED_EMERGENCY_SERVICES = "contacted_emergency_services"
    REFERRED_TO_CRISIS_TEAM = "referred_to_crisis_team"
    CONTACTED_GP = "contacted_gp"
    CONTACTED_NOMINATED_PERSON = "contacted_nominated_person"
    MADE_SAFEGUARDING_REFERRAL = "made_safeguarding_referral"
    DISCUSSED_WITH_SUPERVISOR = "discussed_with_supervisor"
    REVIEWED_THE_RECORD = "reviewed_the_record"
    OTHER = "other"


class Outcome(StrEnum):
    SAFE_WITH_PLAN_IN_PLACE = "safe_with_plan_in_place"
    FOLLOW_UP_APPOINTMENT_BOOKED = "follow_up_appointment_booked"
    REFERRED_TO_CRISIS_TEAM = "referred_to_crisis_team"
    EMERGENCY_SERVICES_INVOLVED = "emergency_services_involved"
    ADMITTED_TO_HOSPITAL = "admitted_to_hospital"
    REVIEWED_NOT_A_CURRENT_RISK = "reviewed_not_a_current_risk"
    UNABLE_TO_CONTACT_WELFARE_CHECK_REQUESTED = "unable_to_contact_welfare_check_requested"
    TALKED_WITH_THE_PERSON = "talked_with_the_person"
    PERSON_DECLINED_CONTACT = "person_declined_contact"
    DUPLICATE_OF_ANOTHER_ESCALATION = "duplicate_of_another_escalation"
    RAISED_IN_ERROR = "raised_in_error"

    @property
    def requires_action(self) -> bool:
        """Closing needs at least one recorded action, except for bookkeeping outcomes.

        A duplicate or an escalation raised by mistake can close without contact; every other
        outcome claims something was done, so something must have been recorded.
        """
        return self not in (Outcome.DUPLICATE_OF_ANOTHER_ESCALATION, Outcome.RAISED_IN_ERROR)
