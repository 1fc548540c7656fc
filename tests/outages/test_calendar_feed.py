"""``/outages/calendar.ics``: a feed calendar programs read, and that imports back into a
new database with the same figures."""

import json
from io import StringIO

import icalendar
import pytest
from django.core.management import call_command
from django.urls import reverse
from outage_helpers import brussels, make_incident, run_import

from outages.demo import seed_calendar
from outages.models import ImportRecord, Incident, IncidentChange

pytestmark = pytest.mark.django_db

URL = reverse("outages:feed")


def events(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_is_public_icalendar_with_one_event_per_incident(client):
    seed_calendar()
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    feed = events(response)
    assert len(feed) == 6
    event = feed["DEMO-2024-01-15-A"]
    assert event["DTSTART"].dt == brussels(2024, 1, 15, 8, 5)
    assert event["DTEND"].dt == brussels(2024, 1, 15, 12, 20)
    assert sorted(str(c) for c in event["CATEGORIES"].cats) == ["mycarenet", "recip-e"]
    assert str(event["X-IMPACT"]) == "major_outage"
    assert str(event["X-STATUS"]) == "confirmed"
    assert str(event["URL"]) == "https://www.absym-bvas.be/"


def test_the_service_filter(client):
    seed_calendar()
    assert set(events(client.get(URL, {"service": "mycarenet"}))) == {
        "DEMO-2024-01-09",
        "DEMO-2024-01-15-A",
        "DEMO-2024-01-22",
        "DEMO-2024-01-24-B",
    }
    assert client.get(URL, {"service": "ehbox"}).status_code == 404


def test_an_ongoing_incident_has_no_end(client):
    make_incident("EX-1", ["recip-e"], brussels(2024, 1, 15, 8), None)
    assert "DTEND" not in events(client.get(URL))["EX-1"]


def test_the_feed_makes_a_constant_number_of_queries(client, django_assert_max_num_queries):
    make_incident("EX-1", ["recip-e"], brussels(2024, 1, 15, 8), None)
    # Services, the calendar's version, the incidents, their services.
    with django_assert_max_num_queries(4):
        client.get(URL)
    seed_calendar()
    with django_assert_max_num_queries(4):
        client.get(URL, {"service": "recip-e"})


def test_an_unchanged_feed_answers_304_and_a_change_shows_at_once(client):
    seed_calendar()
    first = client.get(URL)
    etag = first["ETag"]
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    run_import("reference,services,start,end,impact\nEH-NEW,dmg,2024-02-01T08:00,,major_outage\n")
    second = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 200
    assert "EH-NEW" in events(second)


def _stats(service, month):
    out = StringIO()
    call_command("outage_stats", "--service", service, "--month", month, stdout=out)
    return json.loads(out.getvalue())


def test_exporting_the_feed_and_importing_it_into_a_new_database_gives_the_same_figures(client):
    seed_calendar()
    make_incident(
        "EX-SUMMER",
        ["dmg", "eattest"],
        brussels(2024, 7, 15, 8, 5),
        brussels(2024, 7, 15, 9),
        status="provisional",
        impact="partial_outage",
    )
    make_incident("EX-DST", ["recip-e"], brussels(2024, 10, 27, 1), brussels(2024, 10, 27, 4))
    make_incident("EX-ONGOING", ["hubs"], brussels(2024, 12, 30, 23), None)
    months = ["2024-01", "2024-07", "2024-10", "2024-12"]
    slugs = ["recip-e", "mycarenet", "dmg", "eattest", "hubs"]
    before = {(s, m): _stats(s, m) for s in slugs for m in months}
    fields = ("reference", "title", "start", "end", "impact", "status", "source_url")
    rows_before = sorted(Incident.objects.values_list(*fields))
    feed = client.get(URL).content

    # A new database: nothing of the calendar left.
    IncidentChange.objects.all().delete()
    ImportRecord.objects.all().delete()
    Incident.objects.all().delete()

    report = run_import(feed, name="calendar.ics")
    assert report.ok, report.errors
    assert report.created == 9
    assert {(s, m): _stats(s, m) for s in slugs for m in months} == before
    assert sorted(Incident.objects.values_list(*fields)) == rows_before
    # And the feed imported twice is unchanged the second time.
    assert run_import(feed, name="calendar.ics").unchanged == 9
