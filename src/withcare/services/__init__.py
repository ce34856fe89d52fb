"""Use-case verbs: one transaction each, authorised in one place, writing the audit log."""
