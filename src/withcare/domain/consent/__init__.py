"""Consent purposes, data streams, versioned documents and the policy check (P6)."""
