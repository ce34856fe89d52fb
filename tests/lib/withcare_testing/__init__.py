"""Test support: throwaway PostgreSQL, the named test world, and log-in helpers."""
