"""The January 2024 demo calendar of ``seed_demo`` (domain.md)."""

from io import StringIO

import pytest
from django.core.management import call_command

from outages.demo import DEMO_REFERENCE_PREFIX, seed_calendar
from outages.intervals import BRUSSELS
from outages.models import Incident

# No test here reads a dossier: submitted claims leave theirs queued (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.dossier_queued]


def test_seed_calendar_is_idempotent():
    assert seed_calendar() == (6, 0)
    assert seed_calendar() == (0, 6)
    assert Incident.objects.filter(reference__startswith=DEMO_REFERENCE_PREFIX).count() == 6


def test_demo_incidents_fall_on_the_four_days_at_peak_hours():
    seed_calendar()
    days = set()
    for incident in Incident.objects.all():
        start, end = incident.start.astimezone(BRUSSELS), incident.end.astimezone(BRUSSELS)
        days.add(start.day)
        assert start.weekday() < 5
        assert 8 <= start.hour and (end.hour, end.minute) <= (18, 0)
        assert "illustrative" in incident.description
    assert days == {9, 15, 22, 24}


def test_seed_demo_loads_the_calendar_and_says_so():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    assert "Demo calendar, January 2024" in out.getvalue()
    assert Incident.objects.count() == 6
