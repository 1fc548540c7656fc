"""How the claim pages write durations: "2 h 25 min" (ui.md), minutes rounded as
methodology.md rule 10 says."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from outages.intervals import minutes

register = template.Library()


@register.filter
def duration_minutes(value) -> str:
    """Whole minutes as "2 h 25 min", "45 min" or "0 min"."""
    try:
        total = int(value)
    except (TypeError, ValueError):
        return ""
    sign = "−" if total < 0 else ""
    hours, rest = divmod(abs(total), 60)
    if hours and rest:
        text = _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    elif hours:
        text = _("%(hours)s h") % {"hours": hours}
    else:
        text = _("%(minutes)s min") % {"minutes": rest}
    return sign + text


@register.filter
def duration(seconds) -> str:
    """Seconds as "2 h 25 min", the minutes rounded half-up (methodology.md rule 10)."""
    try:
        return duration_minutes(minutes(int(seconds)))
    except (TypeError, ValueError):
        return ""


@register.filter
def span(start, end) -> str:
    """``{{ slot.start|span:slot.end }}``: the elapsed time between two moments."""
    try:
        return duration(int((end - start).total_seconds()))
    except (TypeError, AttributeError):
        return ""


@register.filter
def get_item(mapping, key):
    """``{{ row.cells|get_item:column }}`` for the import preview's free columns."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def signed_amount(value) -> str:
    """A difference of money with its sign, "+90,00" or "−90,00": without it a reader
    cannot tell whether the claim would gain or lose."""
    try:
        amount = Decimal(value)
    except (TypeError, ValueError, ArithmeticError):
        return ""
    text = floatformat(abs(amount), "2g")
    return ("−" if amount < 0 else "+") + text


@register.filter
def signed_minutes(value) -> str:
    """A difference of minutes with its sign, "+1 h 30 min" or "−15 min"."""
    try:
        total = int(value)
    except (TypeError, ValueError):
        return ""
    return duration_minutes(total) if total < 0 else "+" + duration_minutes(total)
