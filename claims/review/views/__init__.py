"""Views of the legal team: the workspace (``review``) and the membership estimate."""
