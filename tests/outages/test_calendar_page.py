"""The public month calendar: figures, bars, navigation, filter, constant queries."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from outage_helpers import brussels, make_incident

from outages.demo import seed_calendar
from outages.models import Incident, Service

pytestmark = pytest.mark.django_db

URL = reverse("outages:calendar")


@pytest.fixture
def en_client(client):
    client.cookies["django_language"] = "en"
    return client


def figures_row(html, slug):
    match = re.search(rf'<tr id="figures-{slug}".*?</tr>', html, re.S)
    assert match, f"no figures row for {slug}"
    return match.group(0)


def test_anonymous_visitors_read_the_calendar_with_the_demo_figures(en_client):
    seed_calendar()
    response = en_client.get(URL, {"month": "2024-01"})
    assert response.status_code == 200
    html = response.content.decode()
    row = figures_row(html, "recip-e")
    assert 'data-minutes="847"' in row
    assert "847 min" in row
    assert "14 h 7 min" in row
    assert "98.103 %" in row
    assert "93.583 %" in row
    assert 'id="demo-note"' in html
    assert "Per-day times are illustrative" in html


def test_an_sla_breach_is_said_in_words_not_only_in_colour(en_client):
    seed_calendar()
    html = en_client.get(URL, {"month": "2024-01"}).content.decode()
    mycarenet = figures_row(html, "mycarenet")
    assert "98.466 %" in mycarenet
    assert "99 %" in mycarenet
    assert "Below the target" in mycarenet
    assert "not published" in figures_row(html, "recip-e")


def test_the_sla_target_met_is_said_too(en_client):
    make_incident("EX-1", ["mycarenet"], brussels(2024, 1, 15, 8), brussels(2024, 1, 15, 9))
    html = en_client.get(URL, {"month": "2024-01"}).content.decode()
    assert "Target met" in figures_row(html, "mycarenet")


def test_incidents_are_bars_with_their_times_and_impact_in_words(en_client):
    make_incident(
        "EX-1",
        ["recip-e"],
        brussels(2024, 1, 15, 8, 5),
        brussels(2024, 1, 15, 12, 20),
        title="Recip-e down",
    )
    html = en_client.get(URL, {"month": "2024-01"}).content.decode()
    cell = re.search(r'data-day="2024-01-15">.*?</td>', html, re.S).group(0)
    assert "impact-major_outage" in cell
    assert "08:05–12:20" in cell
    assert "Major outage" in cell
    assert reverse("outages:incident", args=["EX-1"]) in cell
    # The bar sits on the day's 24-hour track: 08:05 is 33.681 % of the day.
    assert "left: 33.681%" in cell


def test_a_multi_day_incident_appears_on_each_day(en_client):
    make_incident("EX-1", ["recip-e"], brussels(2024, 1, 15, 22), brussels(2024, 1, 17, 2))
    html = en_client.get(URL, {"month": "2024-01"}).content.decode()
    for day in ("2024-01-15", "2024-01-16", "2024-01-17"):
        cell = re.search(rf'data-day="{day}">.*?</td>', html, re.S).group(0)
        assert "EX-1" in cell
    middle = re.search(r'data-day="2024-01-16">.*?</td>', html, re.S).group(0)
    assert "since the day before" in middle


def test_previous_and_next_month_keep_the_service_filter(en_client):
    html = en_client.get(URL, {"month": "2024-01", "service": "recip-e"}).content.decode()
    assert "?month=2023-12&amp;service=recip-e" in html
    assert "?month=2024-02&amp;service=recip-e" in html
    assert "December 2023" in html
    assert "February 2024" in html


def test_the_service_filter_shows_only_that_service(en_client):
    make_incident("EX-1", ["recip-e"], brussels(2024, 1, 15, 8), brussels(2024, 1, 15, 9))
    make_incident("EX-2", ["dmg"], brussels(2024, 1, 16, 8), brussels(2024, 1, 16, 9))
    html = en_client.get(URL, {"month": "2024-01", "service": "dmg"}).content.decode()
    assert "EX-2" in html
    assert "EX-1" not in html
    assert 'id="figures-dmg"' in html
    assert 'id="figures-recip-e"' not in html
    assert "Downtime per day: Global medical file (GMD)" in html


def test_the_chart_draws_one_bar_per_day_with_downtime(en_client):
    seed_calendar()
    html = en_client.get(URL, {"month": "2024-01", "service": "recip-e"}).content.decode()
    bars = dict(re.findall(r'data-day="(2024-01-\d\d)" data-seconds="(\d+)"', html))
    assert bars == {
        "2024-01-09": str(175 * 60),
        "2024-01-15": str(305 * 60),
        "2024-01-22": str(255 * 60),
        "2024-01-24": str(112 * 60),
    }
    assert "<svg" in html


def test_the_chart_coordinates_are_not_localised(client):
    """French writes decimals with a comma, which would break the SVG."""
    seed_calendar()
    client.cookies["django_language"] = "fr"
    html = client.get(URL, {"month": "2024-01"}).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert not re.search(r'(x|y|width|height)="\d+,\d', svg)
    assert "98,103" in html  # while the figures follow the locale


def test_an_ongoing_incident_is_drawn_until_now(en_client):
    start = brussels(2024, 1, 31, 22)
    make_incident("EX-1", ["recip-e"], start, None)
    html = en_client.get(URL, {"month": "2024-01"}).content.decode()
    assert "ongoing" in html


def test_the_current_month_is_the_default(en_client):
    response = en_client.get(URL)
    assert response.status_code == 200
    assert response.context["cal"].year >= 2024


@pytest.mark.parametrize("query", [{"month": "2024-13"}, {"month": "soon"}, {"service": "ehbox"}])
def test_a_bad_month_or_unknown_service_is_not_found(client, query):
    assert client.get(URL, query).status_code == 404


def test_doctors_read_it_too(doctor_client):
    assert doctor_client.get(URL).status_code == 200


def _many_incidents(count):
    services = list(Service.objects.all())
    start = brussels(2024, 1, 1, 6)
    for number in range(count):
        incident = Incident.objects.create(
            reference=f"MANY-{number}",
            start=start + timedelta(hours=7 * number),
            end=start + timedelta(hours=7 * number + 2),
            impact=["major_outage", "partial_outage", "maintenance"][number % 3],
        )
        incident.services.set(services[number % 10 : number % 10 + 2])


def test_the_page_makes_a_constant_number_of_queries(client, django_assert_max_num_queries):
    make_incident("EX-1", ["recip-e"], brussels(2024, 1, 15, 8), brussels(2024, 1, 15, 9))
    # Services, incidents, their services, the methodology, doctors' reports, the months
    # with incidents.
    with django_assert_max_num_queries(6):
        assert client.get(URL, {"month": "2024-01"}).status_code == 200
    _many_incidents(100)
    with django_assert_max_num_queries(6):
        response = client.get(URL, {"month": "2024-01"})
    assert len(response.context["cal"].incidents) == 101


def test_the_filtered_page_makes_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    _many_incidents(60)
    with django_assert_max_num_queries(6):
        assert client.get(URL, {"month": "2024-01", "service": "recip-e"}).status_code == 200
