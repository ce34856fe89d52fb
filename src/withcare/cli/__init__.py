"""The `withcare` command-line tool (Typer)."""
