"""The pure safety core (P3): risk rules as data, free-text detection, escalation, crisis support.

Nothing here does I/O beyond reading its own packaged data files, and nothing here closes or hides
work: rules only open work for a human. The names most callers need are re-exported below; see
``docs/safety/README.md`` for how the services layer wires them to tables, the worker and the web.
"""

from __future__ import annotations

from withcare.domain.safety.actions import Action, Outcome
from withcare.domain.safety.contact_request import ContactRequest, TimeOfDay
from withcare.domain.safety.crisis_contacts import CrisisPage, crisis_page
from withcare.domain.safety.errors import (
    GuardFailedError,
    InvalidResponsesError,
    InvalidTransitionError,
    RuleSetError,
    SafetyError,
    SafetyPlanError,
    UnsupportedLanguageError,
)
from withcare.domain.safety.escalation import (
    allowed_events,
    apply_event,
    overdue_event,
    raise_escalation,
)
from withcare.domain.safety.escalation_model import (
    Actor,
    Escalation,
    EscalationKind,
    EscalationState,
    Event,
    EventKind,
    Notification,
    NotificationReason,
    Transition,
)
from withcare.domain.safety.escalation_policy import (
    EscalationPolicy,
    Level,
    Urgency,
    default_policy,
)
from withcare.domain.safety.instrument_risk import (
    CssrsLevel,
    cssrs_screener_level,
    evaluate_instrument_risk,
    has_risk_rules,
    help_now_signal,
)
from withcare.domain.safety.oversight import OversightSummary, summarise
from withcare.domain.safety.rules import RuleSet, default_rule_set
from withcare.domain.safety.safety_plan import (
    PlanEntry,
    SafetyPlan,
    SafetyPlanVersion,
    Section,
    diff_plans,
    first_version,
    revise,
    validate_plan,
)
from withcare.domain.safety.signals import (
    ResponsePlan,
    RiskSignal,
    Severity,
    SignalSource,
    plan_response,
)
from withcare.domain.safety.text_risk import evaluate_text, supported_languages

__all__ = [
    "Action",
    "Actor",
    "ContactRequest",
    "CrisisPage",
    "CssrsLevel",
    "Escalation",
    "EscalationKind",
    "EscalationPolicy",
    "EscalationState",
    "Event",
    "EventKind",
    "GuardFailedError",
    "InvalidResponsesError",
    "InvalidTransitionError",
    "Level",
    "Notification",
    "NotificationReason",
    "Outcome",
    "OversightSummary",
    "PlanEntry",
    "ResponsePlan",
    "RiskSignal",
    "RuleSet",
    "RuleSetError",
    "SafetyError",
    "SafetyPlan",
    "SafetyPlanError",
    "SafetyPlanVersion",
    "Section",
    "Severity",
    "SignalSource",
    "TimeOfDay",
    "Transition",
    "UnsupportedLanguageError",
    "Urgency",
    "allowed_events",
    "apply_event",
    "crisis_page",
    "cssrs_screener_level",
    "default_policy",
    "default_rule_set",
    "diff_plans",
    "evaluate_instrument_risk",
    "evaluate_text",
    "first_version",
    "has_risk_rules",
    "help_now_signal",
    "overdue_event",
    "plan_response",
    "raise_escalation",
    "revise",
    "summarise",
    "supported_languages",
    "validate_plan",
]
