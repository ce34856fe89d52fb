"""Technology registry: frameworks as data, facts with provenance, derived classifications (P7)."""
