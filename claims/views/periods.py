"""The period a page shows, read from ``?from=&to=`` (a month by default)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.http import urlencode

from claims.forms.claims import PeriodForm
from claims.selectors import default_period, month_bounds


@dataclass(frozen=True)
class PagePeriod:
    first_day: date
    last_day: date
    form: PeriodForm

    @property
    def query(self) -> str:
        return urlencode({"from": self.first_day.isoformat(), "to": self.last_day.isoformat()})

    def _month_query(self, day: date) -> str:
        first, last = month_bounds(day)
        return urlencode({"from": first.isoformat(), "to": last.isoformat()})

    @property
    def previous_month(self) -> str:
        return self._month_query(self.first_day.replace(day=1) - timedelta(days=1))

    @property
    def next_month(self) -> str:
        return self._month_query(month_bounds(self.first_day)[1] + timedelta(days=1))


def page_period(request, doctor, claims=None) -> PagePeriod:
    if "from" in request.GET or "to" in request.GET:
        form = PeriodForm(request.GET)
        if form.is_valid():
            return PagePeriod(form.cleaned_data["from_"], form.cleaned_data["to"], form)
    else:
        form = PeriodForm()
    first_day, last_day = default_period(doctor=doctor, claims=claims)
    return PagePeriod(first_day, last_day, form)
