"""Population analytics: disclosure control, differential privacy, equity metrics (P5, P6)."""
