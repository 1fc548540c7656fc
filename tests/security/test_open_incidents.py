"""Issue 11, point 13: an incident without an end counts until now; an old one is
reported by the import and shown prominently on the calendar."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

CSV = (
    "reference,services,start,end,impact\n"
    "OLD-2021,recip-e,2021-03-01T08:00Z,,major_outage\n"
    "CLOSED-2021,recip-e,2021-03-02T08:00Z,2021-03-02T09:00Z,major_outage\n"
)


def test_the_import_warns_for_an_incident_open_for_years(tmp_path, settings):
    settings.OPEN_INCIDENT_WARNING_DAYS = 3
    path = tmp_path / "old.csv"
    path.write_text(CSV)
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("import_outages", str(path), stdout=out, stderr=err)
    assert out.getvalue() == "created 2, updated 0, unchanged 0\n"
    warnings = [line for line in err.getvalue().splitlines() if "has no end" in line]
    assert len(warnings) == 1
    assert "line 2" in warnings[0] and "days ago" in warnings[0]


def test_the_calendar_shows_open_incidents_above_the_month(client, tmp_path, settings):
    settings.OPEN_INCIDENT_WARNING_DAYS = 3
    path = tmp_path / "old.csv"
    path.write_text(CSV)
    call_command("import_outages", str(path), stdout=StringIO(), stderr=StringIO())
    page = client.get(reverse("outages:calendar") + "?month=2024-01", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'id="open-incidents"' in html
    box = html.split('id="open-incidents"')[1].split("</div>")[0]
    assert "OLD-2021" in box
    assert "CLOSED-2021" not in box
    assert "since 01/03/2021" in box
    assert "open for" in box
