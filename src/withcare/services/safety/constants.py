"""Outbox statuses, back-off and look-back periods, and the rule ids the safety service uses."""

from __future__ import annotations

from datetime import timedelta

# Outbox statuses. A row is never deleted: "sent" and "undeliverable" are final.
PENDING, SENDING, SENT, UNDELIVERABLE = "pending", "sending", "sent", "undeliverable"
CHANNELS = ("in_app", "email")  # every notification goes in-app AND by e-mail
NOBODY = "nobody"  # recipient id when no one could be found: shown to managers, never dropped
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
HEARTBEAT_STALE_AFTER = timedelta(minutes=2)
RECENT_SIGNALS = timedelta(days=90)
FALLBACK_RULE_ID = "measures.risk_flag_without_safety_rule"
UNSUPPORTED_LANGUAGE_RULE_ID = "free_text.unsupported_language"
CONTACT_SOURCE = "contact_request"
