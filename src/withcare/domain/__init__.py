"""Pure domain rules of mental healthcare: no I/O, no database, no web."""
