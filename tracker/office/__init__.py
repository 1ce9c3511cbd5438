"""The international office: the worklist, statistics, the audit log, staff accounts and
their sign-in."""
