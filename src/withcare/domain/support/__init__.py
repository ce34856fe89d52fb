"""Self-help activity catalogue and stepped-care recommendation (capability 1)."""
