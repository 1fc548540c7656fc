"""Reads of the methodology page."""

from claims.models import Methodology


def methodology_versions_published() -> list[Methodology]:
    """Every published version, newest first (a claim may cite any of them)."""
    return list(
        Methodology.objects.filter(published_on__isnull=False).order_by("-published_on", "-id")
    )
