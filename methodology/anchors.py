"""Stable anchors of the methodology page: claim pages and dossiers link to them, and a
printed dossier keeps its link for years, so they never change once published."""

from django.utils.text import slugify


def version_anchor(version: str) -> str:
    """``ABSyM-2024.1`` → ``version-absym-2024-1``."""
    return "version-" + slugify(version.replace(".", "-"))


def rule_anchor(number: int) -> str:
    return f"rule-{int(number)}"
