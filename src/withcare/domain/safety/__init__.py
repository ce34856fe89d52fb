"""Risk rules as data, free-text risk detection and the escalation state machine (P3)."""
