"""FastAPI application: server-rendered pages, JSON API and FHIR endpoints. Talks only to services."""
