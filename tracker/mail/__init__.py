"""Building e-mail messages and sending them (transports)."""
