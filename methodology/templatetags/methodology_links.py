"""Links to the public methodology page, from pages and from dossiers (absolute there:
a dossier is read outside the application)."""

from django import template
from django.conf import settings
from django.urls import reverse

from methodology.anchors import rule_anchor, version_anchor

register = template.Library()


@register.simple_tag
def methodology_url(version: str = "", *, rule: int | None = None, absolute: bool = False) -> str:
    """``/methodology/#rule-3``, or the section of one version; SITE_URL-prefixed if absolute."""
    url = reverse("methodology:page")
    if rule is not None:
        url += "#" + rule_anchor(rule)
    elif version:
        url += "#" + version_anchor(version)
    return settings.SITE_URL + url if absolute else url
