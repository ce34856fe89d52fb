"""Server-rendered HTML pages, one module per area."""
