"""The JSON API (version 1), one module per area."""
