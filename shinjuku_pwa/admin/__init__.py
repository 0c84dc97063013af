"""Staff accounts, sign-in, API tokens, permissions, the audit log and the staff console (/admin)."""
