"""People and what they may do (README, "Code layout"): sign-up, login, profile, password
links and invitations, the roles (doctor, reviewer, administrator) and the decorators that
enforce them, the user's language. Code only: the user and doctor models stay in
``claims.models`` (``AUTH_USER_MODEL = "claims.User"``), the templates in
``templates/registration``. Other apps check roles here, never in ``claims``."""
