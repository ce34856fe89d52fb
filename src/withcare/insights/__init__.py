"""Population analytics: disclosure control, differential privacy, equity metrics (P5, P6).

Public surface::

    disclosure      protect_counts, Cell, CellStatus, SUPPRESSION_THRESHOLD, ROUNDING_BASE
    equity          compare_rates, GroupCounts, EquityDimension, Gap, MIN_GAP, Z_CRITICAL
    privacy_budget  PrivacyBudget, PrivacyBudgetExceeded
    dp              dp_count, dp_mean (OpenDP), charged to a PrivacyBudget
    engine          InMemoryEngine (reference), PersonRecord, published_counts, equity_report
    duckdb_engine   DuckDBEngine: SQL counts that must agree with the reference engine
    choice_report   decline_rates, alternatives_offered (P1, for managers)

This package is pure: data in, safe statistics out. It never reads the database itself.
"""
