"""Form fields shared by the claims forms."""

from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outages.intervals import BRUSSELS, whole_second
from outages.wallclock import WallClockError, brussels_wall_clock


class BrusselsDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input read as Europe/Brussels wall-clock time, whatever the
    browser's or the server's time zone; shown back in Brussels time."""

    widget = forms.DateTimeInput(
        attrs={"type": "datetime-local", "step": "60"}, format="%Y-%m-%dT%H:%M"
    )
    default_error_messages = {
        "invalid": _("Enter a date and time, like 2024-01-15 09:40."),
    }

    def prepare_value(self, value):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(BRUSSELS).replace(tzinfo=None)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            naive = value
        else:
            text = str(value).strip()
            try:
                naive = datetime.fromisoformat(text)
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        # Cut to the whole second as it enters the application (methodology.md, "Rules").
        naive = whole_second(naive)
        if naive.tzinfo is not None:
            return naive
        try:
            return brussels_wall_clock(naive)  # the one DST rule of every entry point
        except WallClockError as error:
            raise ValidationError(str(error), code="dst") from None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def iso_week_monday(value: str) -> date:
    """Monday of an ISO week written ``2024-W03``; ValueError otherwise."""
    year, _sep, week = value.partition("-W")
    return date.fromisocalendar(int(year), int(week), 1)
