"""What the calendar tells the rest of the project when it changes.

The calendar does not know who depends on it: the claims app listens, so that the
"calendar changed since submission" flag of submitted claims follows every change.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

#: Sent after incidents are created, changed or deleted, once the change is committed,
#: with ``first_day`` and ``last_day`` (Brussels dates) spanning the old and new times.
calendar_changed = Signal()


def calendar_change_announce(*, moments: Iterable[datetime | None]) -> None:
    """Announce a change touching these instants (``None``, an ongoing end, is now)."""
    now = timezone.now()
    instants = [moment or now for moment in moments]
    if not instants:
        return
    first_day = timezone.localtime(min(instants)).date()
    last_day = timezone.localtime(max(instants)).date()
    transaction.on_commit(
        lambda: calendar_changed.send(sender=None, first_day=first_day, last_day=last_day)
    )
