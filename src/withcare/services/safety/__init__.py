"""Safety in the platform (P3, P2; issue 4): ``platform.safety``, split into modules by concern."""

# ``__all__`` is the old module's, unchanged; the other public names of the old module stay
# importable from here through the explicit ``X as X`` re-exports.
from withcare.services.safety.constants import BACKOFF_FIRST as BACKOFF_FIRST
from withcare.services.safety.constants import BACKOFF_MAX as BACKOFF_MAX
from withcare.services.safety.constants import CHANNELS
from withcare.services.safety.constants import CONTACT_SOURCE as CONTACT_SOURCE
from withcare.services.safety.constants import FALLBACK_RULE_ID as FALLBACK_RULE_ID
from withcare.services.safety.constants import HEARTBEAT_STALE_AFTER as HEARTBEAT_STALE_AFTER
from withcare.services.safety.constants import NOBODY as NOBODY
from withcare.services.safety.constants import PENDING as PENDING
from withcare.services.safety.constants import RECENT_SIGNALS as RECENT_SIGNALS
from withcare.services.safety.constants import SENDING as SENDING
from withcare.services.safety.constants import SENT as SENT
from withcare.services.safety.constants import UNDELIVERABLE as UNDELIVERABLE
from withcare.services.safety.constants import (
    UNSUPPORTED_LANGUAGE_RULE_ID as UNSUPPORTED_LANGUAGE_RULE_ID,
)
from withcare.services.safety.notifications import backoff
from withcare.services.safety.safety_plans import plan_from_form
from withcare.services.safety.service import SafetyService
from withcare.services.safety.views import (
    ClaimedNotification,
    ContactRequestView,
    EscalationDetail,
    EscalationView,
    Oversight,
    PersonSafety,
    SafetyPlanView,
    SignalOutcome,
)
from withcare.services.safety.views import EventView as EventView
from withcare.services.safety.views import HeartbeatView as HeartbeatView
from withcare.services.safety.views import NotificationView as NotificationView
from withcare.services.safety.views import PlanVersionSummary as PlanVersionSummary
from withcare.services.safety.views import SignalView as SignalView
from withcare.services.safety.views import StaffChoice as StaffChoice

__all__ = [
    "CHANNELS",
    "ClaimedNotification",
    "ContactRequestView",
    "EscalationDetail",
    "EscalationView",
    "Oversight",
    "PersonSafety",
    "SafetyPlanView",
    "SafetyService",
    "SignalOutcome",
    "backoff",
    "plan_from_form",
]
