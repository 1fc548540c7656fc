"""Reads of the methodology: the page's versions, and the counting rule the calendar's
figures use (``settings.OUTAGES_COUNTING_RULE`` names ``counting_rule_current``)."""

from claims.models import Methodology
from outages.figures import DEFAULT_RULE, CountingRule


def methodology_versions_published() -> list[Methodology]:
    """Every published version, newest first (a claim may cite any of them)."""
    return list(
        Methodology.objects.filter(published_on__isnull=False).order_by("-published_on", "-id")
    )


def counting_rule_current() -> CountingRule:
    """Impacts and statuses counted by the current published methodology (one query),
    or ABSyM-2024.1's while none is published."""
    methodology = (
        Methodology.objects.filter(published_on__isnull=False)
        .order_by("-published_on", "-id")
        .only("version", "counted_impacts", "counted_statuses")
        .first()
    )
    if methodology is None:
        return DEFAULT_RULE
    return CountingRule(
        impacts=frozenset(methodology.counted_impacts or ()),
        statuses=frozenset(methodology.counted_statuses or ()),
        methodology=methodology.version,
    )
