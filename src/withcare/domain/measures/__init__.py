"""Validated instruments as data files, exact scoring, severity and course outcomes (P4)."""
