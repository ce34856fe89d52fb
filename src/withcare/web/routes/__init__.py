"""Routes per area: ``pages`` (HTML) and ``api`` (JSON, described by OpenAPI)."""
