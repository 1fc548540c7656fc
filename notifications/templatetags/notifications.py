from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

from notifications.notices import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_badge.html")
def notice_badge(user):
    """The dashboard's badge: unread notices, one query."""
    return {"count": unread_count(user)}


@register.filter
def signed_money(value) -> str:
    """+90,00 / −12,50 / 0,00 in the active locale's format: the sign always shown."""
    value = Decimal(value)
    text = floatformat(abs(value), "2g")
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"\u2212{text}"
    return text
