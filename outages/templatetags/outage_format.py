"""Template filters of the calendar pages: durations as people read them."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

from outages.intervals import minutes

register = template.Library()


def format_minutes(total_minutes: int) -> str:
    """``145`` → "2 h 25 min", ``45`` → "45 min", ``120`` → "2 h" (ui.md)."""
    hours, rest = divmod(int(total_minutes), 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": rest}
    if not rest:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}


@register.filter
def duration(value) -> str:
    """Seconds (an int) or a timedelta, rounded half-up to the minute (methodology
    rule 10), written "2 h 25 min"."""
    if value is None or value == "":
        return ""
    seconds = int(value.total_seconds()) if isinstance(value, timedelta) else int(value)
    return format_minutes(minutes(seconds))
