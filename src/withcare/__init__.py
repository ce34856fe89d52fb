"""Withcare: technology-assisted mental healthcare that keeps choice, safety and privacy."""
