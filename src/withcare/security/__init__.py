"""Authentication, authorisation (roles x care relationship), audit hash chain, field encryption."""
