"""Anyone can verify a dossier: the public page ``/verify/`` and ``manage.py verify_dossier``."""
