"""Care model: episodes, care teams, contacts and the human-contact rules (P1, P2)."""
