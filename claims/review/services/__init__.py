"""Services of the legal team: decisions, batches, checks, membership estimate."""
