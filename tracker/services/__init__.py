"""Use cases: each a function of a database session, `today` and plain arguments."""
