"""The legal team's workspace (README, "Code layout"): the review list and claim page,
decisions and requests for information, consistency flags, batches and their files,
exports, the membership estimate, background tasks, admin and demo data. A package of the
``claims`` app: its models and migrations stay in ``claims.models`` and
``claims/migrations``."""
