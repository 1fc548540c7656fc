"""What the calendar tells the rest of the project when it changes.

The calendar does not know who depends on it: the claims app listens, so that the
"calendar changed since submission" flag of submitted claims follows every import.
"""

from django.dispatch import Signal

#: Sent after incidents are created or changed, once the change is committed, with
#: ``first_day`` and ``last_day`` (Brussels dates) spanning the old and new times.
calendar_changed = Signal()
