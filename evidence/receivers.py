"""Official imports link to the watcher's provisional incidents instead of duplicating them."""

from django.dispatch import receiver

from evidence.services import watched_incidents_link
from outages.signals import calendar_changed


@receiver(calendar_changed)
def link_official_incidents(sender, first_day, last_day, **kwargs):
    watched_incidents_link(first_day=first_day, last_day=last_day)
